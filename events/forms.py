"""Forms of the back-office: the grid filters, the participant form generated from the event's fields,
the custom field form and the import upload. They validate and convert; services write."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import validate_slug

from events.field_types import field_type, text_limit
from events.fields import BUILT_IN_KEYS, LONGEST_MAX_LENGTH, FieldSpec, FieldType
from events.models import Event, Participant, ParticipantField, SyncState
from events.selectors import GRID_SORTS, ParticipantFilters, participant_email_taken

DATE_ERROR = "Not a valid date: use YYYY-MM-DD, for example 2026-03-31."
YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
SYNC_DATE_CHOICES = [
    ("", "Any"),
    ("synced", "Synchronized"),
    ("never", "Never synchronized"),
    ("between", "Synchronized between…"),
]


# What InvalidMarkingMixin is mixed into, for the type checker; a plain object at run time.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class InvalidMarkingMixin(_FormBase):
    """Adds the `invalid` CSS class (red border) to the widgets of fields in error."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} invalid".strip()
                widget.attrs["aria-invalid"] = "true"


# Each search word is one more set of LIKE conditions over four columns: a bounded search stays a fast query.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_LENGTH = 200


class GridFilterForm(InvalidMarkingMixin, forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    registered = forms.ChoiceField(choices=YES_NO, required=False)
    came = forms.ChoiceField(choices=YES_NO, required=False)
    sync_state = forms.ChoiceField(
        choices=[("", "Any"), *SyncState.choices], required=False, label="Sync state"
    )
    sync_date = forms.ChoiceField(choices=SYNC_DATE_CHOICES, required=False, label="Salesforce sync date")
    from_date = forms.DateField(
        required=False, label="From", input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_ERROR}
    )
    to_date = forms.DateField(
        required=False, label="To", input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_ERROR}
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        words = self.cleaned_data["q"].split()
        if len(words) > SEARCH_MAX_WORDS:
            raise forms.ValidationError(f"Search for at most {SEARCH_MAX_WORDS} words ({len(words)} given).")
        return self.cleaned_data["q"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("from_date"), data.get("to_date")
        self.reversed_range = bool(start and end and start > end)
        if self.reversed_range:
            self.add_error("to_date", "The end date is before the start date: no participant can match.")
        return data

    def filters(self) -> ParticipantFilters:
        """The filters to apply: the valid ones (a malformed date is reported, not applied)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        start, end = data.get("from_date"), data.get("to_date")
        sync_date = data.get("sync_date") or ("between" if start or end else "")
        sort = data.get("sort") or "name"
        return ParticipantFilters(
            search=data.get("q") or "",
            registered={"yes": True, "no": False}.get(data.get("registered") or ""),
            came={"yes": True, "no": False}.get(data.get("came") or ""),
            sync_state=data.get("sync_state") or "",
            sync_date=sync_date,
            empty_range=sync_date == "between" and getattr(self, "reversed_range", False),
            from_date=start if sync_date == "between" else None,
            to_date=end if sync_date == "between" and "to_date" not in self.errors else None,
            sort=sort if sort.lstrip("-") in GRID_SORTS else "name",
        )


def _form_field(spec: FieldSpec) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": spec.required}
    if spec.key == "email":
        return forms.EmailField(max_length=text_limit(spec), **common)
    return field_type(spec.type).form_field(spec, common)


def _to_storage(spec: FieldSpec, value: Any) -> Any:
    if value is None and spec.built_in and spec.type == FieldType.TEXT:
        return ""  # the built-in text columns hold no NULL
    return field_type(spec.type).from_form(value)


class ParticipantForm(InvalidMarkingMixin, forms.Form):
    """A participant form generated from the event's fields (built-in and custom)."""

    def __init__(
        self,
        *args: Any,
        event: Event,
        specs: list[FieldSpec],
        instance: Participant | None = None,
        check_unique_email: bool = True,
        **kwargs: Any,
    ) -> None:
        self.event, self.specs, self.instance = event, specs, instance
        self.check_unique_email = check_unique_email
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(instance, specs)
        super().__init__(*args, **kwargs)
        for spec in specs:
            self.fields[spec.key] = _form_field(spec)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        exclude = self.instance.pk if self.instance else None
        if self.check_unique_email and participant_email_taken(
            event=self.event, email=email, exclude_pk=exclude
        ):
            raise forms.ValidationError("Another participant of this event already has this email.")
        return email

    def values(self) -> dict[str, Any]:
        """The stored values by field key, for `participant_create` / `participant_update`."""
        return {spec.key: _to_storage(spec, self.cleaned_data.get(spec.key)) for spec in self.specs}


def _initial(instance: Participant, specs: list[FieldSpec]) -> dict[str, Any]:
    data = instance.data or {}
    return {s.key: getattr(instance, s.key) if s.built_in else data.get(s.key) for s in specs}


class ParticipantFieldForm(InvalidMarkingMixin, forms.ModelForm):
    options_text = forms.CharField(
        required=False,
        label="Options",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One option per line; for select lists and multi-select lists.",
    )

    class Meta:
        model = ParticipantField
        fields = ["key", "label", "type", "staff_only", "max_length"]
        labels = {"max_length": "Maximum length"}

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        self.event = event
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Stored values, imports and Salesforce mappings refer to the key: it cannot change.
            self.fields["key"].disabled = True
            self.fields["options_text"].initial = "\n".join(self.instance.options or [])

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        validate_slug(key)
        if key in BUILT_IN_KEYS:
            raise forms.ValidationError("This key is a built-in field.")
        taken = ParticipantField.objects.filter(event=self.event, key=key).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This event already has a field with this key.")
        return key

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lines = (data.get("options_text") or "").splitlines()
        options = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
        if data.get("type") and field_type(data["type"]).has_options and not options:
            self.add_error("options_text", "A select list needs at least one option.")
        data["options"] = options
        limit = data.get("max_length")
        if limit is not None and not 1 <= limit <= LONGEST_MAX_LENGTH:
            self.add_error("max_length", f"Between 1 and {LONGEST_MAX_LENGTH:,} characters.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Columns are field keys or labels; one row per participant; an email column is required.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Only .csv and .xlsx files can be imported.")
        return upload
