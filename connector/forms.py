"""Forms of the Salesforce tile. They only parse input; the rules live in services and selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings

from connector.mapped_objects import MAPPED_OBJECTS
from connector.models import DuplicateMatchAction, LoginHost, SalesforceConnection
from connector.salesforce import oauth

SECRET_SET_PLACEHOLDER = "set — leave blank to keep it"


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
                widget.attrs["class"] = (widget.attrs.get("class", "") + " invalid").strip()


def login_host_choices() -> list[tuple[str, str]]:
    extra = [
        (host.rstrip("/"), f"Other allowed host ({host.rstrip('/')})")
        for host in settings.SALESFORCE_EXTRA_LOGIN_HOSTS
    ]
    return [
        (LoginHost.PRODUCTION, LoginHost.PRODUCTION.label),
        (LoginHost.SANDBOX, LoginHost.SANDBOX.label),
        (LoginHost.MY_DOMAIN, LoginHost.MY_DOMAIN.label),
        *extra,
    ]


class ConnectionForm(InvalidMarkingMixin, forms.Form):
    consumer_key = forms.CharField(label="Consumer Key", max_length=255)
    consumer_secret = forms.CharField(
        label="Consumer Secret", required=False, strip=True, widget=forms.PasswordInput(render_value=False)
    )
    login_host = forms.ChoiceField(label="Login host", choices=())
    my_domain_url = forms.CharField(label="My Domain URL", required=False, max_length=200)

    def __init__(self, *args, connection: SalesforceConnection, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connection = connection
        choices = login_host_choices()
        cast(forms.ChoiceField, self.fields["login_host"]).choices = choices
        self.fields["my_domain_url"].widget.attrs["placeholder"] = "https://acme.my.salesforce.com"
        if connection.consumer_secret:
            self.fields["consumer_secret"].widget.attrs["placeholder"] = SECRET_SET_PLACEHOLDER
        if not self.is_bound:
            host = connection.login_host or LoginHost.PRODUCTION
            known = {value for value, _ in choices}
            self.initial.update(
                consumer_key=connection.consumer_key,
                login_host=host if host in known else LoginHost.MY_DOMAIN,
                my_domain_url="" if host in known else host,
            )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("consumer_secret") and not self.connection.consumer_secret:
            self.add_error("consumer_secret", "Enter the Consumer Secret of the connected app.")
        choice = data.get("login_host")
        host = data.get("my_domain_url", "") if choice == LoginHost.MY_DOMAIN else choice
        if choice:
            try:
                data["host"] = oauth.login_host_validate(host or "")
            except oauth.InvalidLoginHost as exc:
                self.add_error("my_domain_url" if choice == LoginHost.MY_DOMAIN else "login_host", str(exc))
        return data


class CampaignForm(InvalidMarkingMixin, forms.Form):
    campaign_name = forms.CharField(
        label="Salesforce campaign name", max_length=80, strip=False, required=False
    )
    campaign_id = forms.CharField(required=False, max_length=18)


class StatusesForm(forms.Form):
    registered_status = forms.ChoiceField(label="Status for “Registered = True”")
    came_status = forms.ChoiceField(label="Status for “Came = True”")

    def __init__(self, *args, labels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— choose a status —"), *[(label, label) for label in labels]]
        for name in ("registered_status", "came_status"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices


class StatusCreateForm(forms.Form):
    label = forms.CharField(max_length=40, label="New status label")
    kind = forms.ChoiceField(choices=[("registered", "for Registered"), ("came", "for Came (responded)")])


class OptionsForm(forms.Form):
    allow_creating_leads = forms.BooleanField(required=False, label="Allow creating Leads")
    allow_data_update = forms.BooleanField(required=False, label="Allow contacts or leads data update")
    default_company = forms.CharField(
        max_length=255, required=False, label="Company for new Leads without one"
    )
    duplicate_match_action = forms.ChoiceField(
        choices=DuplicateMatchAction.choices,
        initial=DuplicateMatchAction.LINK,
        widget=forms.RadioSelect,
        label="When Salesforce's duplicate rules match another record",
    )


class MappingsForm(forms.Form):
    """One JSON textarea per mapped object, named by its kind."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for mapped in MAPPED_OBJECTS:
            self.fields[mapped.kind] = forms.CharField(
                required=False, label=mapped.label, widget=forms.Textarea(attrs={"rows": 5})
            )

    def texts(self) -> dict[str, str]:
        return {mapped.name: self.cleaned_data.get(mapped.kind, "") or "" for mapped in MAPPED_OBJECTS}
