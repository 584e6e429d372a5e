/* The visual mapping editors of the Salesforce tile: rows of participant field → Salesforce field beside
 * each mapping's JSON textarea.
 *
 * The textarea stays the source of truth: it is what the form posts and what the live check (htmx) reads.
 * Editing the JSON rebuilds the rows; editing a row rewrites the JSON and fires its live check. The choices
 * (which Salesforce fields each participant field may go into) come from the server in the JSON data block
 * #mapping-choices-data, loaded by htmx: no type rule lives here. No inline script or style (CSP). */
(function () {
  "use strict";

  var editors = {};

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function rowsOf(editor) {
    return Array.prototype.slice.call(editor.body.querySelectorAll(".mapping-row"));
  }

  function targetText(target) {
    var kind = target.length ? target.type + "(" + target.length + ")" : target.type;
    var named = !target.label || target.label === target.name ? target.name
      : target.label + " (" + target.name + ")";
    return named + " · " + kind;
  }

  function fillSource(editor, row, key) {
    var select = row.querySelector(".mapping-source");
    select.replaceChildren(option("", "Choose a participant field…"));
    editor.fields.forEach(function (field) {
      select.appendChild(option(field.key, field.label + " · " + field.type));
    });
    if (key && !editor.byKey[key]) {
      select.appendChild(option(key, key + " (not offered)"));
    }
    select.value = key;
  }

  function fillTarget(editor, row, name) {
    var select = row.querySelector(".mapping-target");
    var field = editor.byKey[row.querySelector(".mapping-source").value];
    var targets = field ? field.targets : [];
    var placeholder = !field ? "Choose the participant field first"
      : targets.length ? "Choose a Salesforce field…" : "No compatible Salesforce field";
    select.replaceChildren(option("", placeholder));
    var chosen = "";
    targets.forEach(function (target) {
      select.appendChild(option(target.name, targetText(target)));
      if (name && target.name.toLowerCase() === name.toLowerCase()) chosen = target.name;
    });
    if (name && !chosen) {
      select.appendChild(option(name, name + " (refused: see the check)"));
      chosen = name;
    }
    select.value = chosen;
    select.disabled = !field && !chosen;
  }

  function addRow(editor, key, name) {
    var row = editor.template.content.firstElementChild.cloneNode(true);
    editor.body.appendChild(row);
    fillSource(editor, row, key);
    fillTarget(editor, row, name);
    return row;
  }

  /* A participant field or a Salesforce field already used by another row is not offered again. */
  function disableUsed(editor) {
    var rows = rowsOf(editor);
    rows.forEach(function (row) {
      var sources = {}, targets = {};
      rows.forEach(function (other) {
        if (other === row) return;
        sources[other.querySelector(".mapping-source").value] = true;
        targets[other.querySelector(".mapping-target").value.toLowerCase()] = true;
      });
      row.querySelectorAll(".mapping-source option").forEach(function (o) {
        o.disabled = Boolean(o.value) && Boolean(sources[o.value]);
      });
      row.querySelectorAll(".mapping-target option").forEach(function (o) {
        o.disabled = Boolean(o.value) && Boolean(targets[o.value.toLowerCase()]);
      });
    });
  }

  function setNote(editor, text) {
    editor.note.textContent = text;
    editor.note.hidden = !text;
    editor.panel.classList.toggle("frozen", Boolean(text));
    editor.panel.querySelectorAll("select, button").forEach(function (control) {
      control.disabled = Boolean(text);
    });
  }

  function parseMapping(text) {
    if (!text.trim()) return {};
    var data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return null;
    }
    if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
    var ok = Object.keys(data).every(function (key) { return typeof data[key] === "string"; });
    return ok ? data : null;
  }

  function readJson(editor) {
    var mapping = parseMapping(editor.textarea.value);
    if (mapping === null) {
      setNote(editor, "The rows follow the JSON again once it is an object of field names, " +
        "such as {\"job_title\": \"Title\"}.");
      return;
    }
    setNote(editor, "");
    editor.body.replaceChildren();
    Object.keys(mapping).forEach(function (key) { addRow(editor, key, mapping[key].trim()); });
    disableUsed(editor);
    markProblems(document.getElementById("mapping-" + editor.kind + "-check"));
  }

  /* Rows in their order (an object would put keys such as "2026" first), as the server pretty-prints. */
  function writeJson(editor) {
    var lines = [];
    rowsOf(editor).forEach(function (row) {
      var key = row.querySelector(".mapping-source").value;
      var name = row.querySelector(".mapping-target").value;
      if (key && name) lines.push("  " + JSON.stringify(key) + ": " + JSON.stringify(name));
    });
    var text = lines.length ? "{\n" + lines.join(",\n") + "\n}" : "";
    if (text === editor.textarea.value) return;
    editor.written = text;
    editor.textarea.value = text;
    // The same event typing makes: htmx runs the live check, and our own listener skips it.
    editor.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /* Rows whose participant field has an error in the last live check are outlined in red. */
  function markProblems(check) {
    var editor = check && editors[check.id.replace(/^mapping-|-check$/g, "")];
    if (!editor) return;
    var keys = {};
    check.querySelectorAll(".errorlist li[data-key]").forEach(function (li) {
      keys[li.getAttribute("data-key")] = true;
    });
    rowsOf(editor).forEach(function (row) {
      row.classList.toggle("invalid", Boolean(keys[row.querySelector(".mapping-source").value]));
    });
  }

  function setUpEditor(kind, choices) {
    var panel = document.getElementById("mapping-rows-" + kind);
    var textarea = document.getElementById("id_" + kind);
    var template = document.getElementById("mapping-row-template");
    if (!panel || !textarea || !template || editors[kind]) return;
    var editor = {
      kind: kind,
      panel: panel,
      textarea: textarea,
      template: template,
      body: panel.querySelector("tbody"),
      note: panel.querySelector(".mapping-rows-note"),
      fields: choices.fields,
      byKey: {},
      written: null,
    };
    choices.fields.forEach(function (field) { editor.byKey[field.key] = field; });
    editors[kind] = editor;
    panel.hidden = false;
    if (!choices.loaded) {
      setNote(editor, "Salesforce fields are not loaded: Refresh fields below tries again and says why not.");
      return;
    }
    textarea.addEventListener("input", function () {
      if (textarea.value !== editor.written) readJson(editor);
    });
    panel.querySelector(".mapping-add").addEventListener("click", function () {
      var row = addRow(editor, "", "");
      disableUsed(editor);
      row.querySelector(".mapping-source").focus();
    });
    editor.body.addEventListener("change", function (event) {
      var row = event.target.closest(".mapping-row");
      if (event.target.classList.contains("mapping-source")) {
        var field = editor.byKey[event.target.value];
        var kept = row.querySelector(".mapping-target").value.toLowerCase();
        var compatible = field && field.targets.some(function (t) { return t.name.toLowerCase() === kept; });
        fillTarget(editor, row, compatible ? kept : "");
      }
      writeJson(editor);
      disableUsed(editor);
    });
    editor.body.addEventListener("click", function (event) {
      var remove = event.target.closest(".mapping-remove");
      if (!remove) return;
      remove.closest(".mapping-row").remove();
      writeJson(editor);
      disableUsed(editor);
    });
    readJson(editor);
  }

  htmx.onLoad(function (element) {
    if (!element.querySelector) return;
    var data = element.id === "mapping-choices-data" ? element : element.querySelector("#mapping-choices-data");
    if (data) {
      var choices = JSON.parse(data.textContent);
      Object.keys(choices).forEach(function (kind) { setUpEditor(kind, choices[kind]); });
    }
    if (element.classList && element.classList.contains("mapping-check")) markProblems(element);
  });
})();
