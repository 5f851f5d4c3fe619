"""Forms of the member back office: what a clerk types, before a service checks it."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from gonghui.members.models import Membership, Person
from gonghui.members.services import PARTICULARS
from gonghui.orgs.models import Org

TEXT = UnfoldAdminTextInputWidget


class PersonAddForm(forms.ModelForm):
    id_number_text = forms.CharField(label=_("ID number"), max_length=40, widget=TEXT)
    org = forms.ModelChoiceField(
        label=_("Union"), queryset=Org.objects.none(), widget=UnfoldAdminSelectWidget
    )
    joined_on = forms.DateField(
        label=_("Joined on"), required=False, widget=UnfoldAdminSingleDateWidget
    )
    phone_text = forms.CharField(label=_("Phone"), max_length=30, required=False, widget=TEXT)
    employer_name = forms.CharField(
        label=_("Workplace"), max_length=200, required=False, widget=TEXT
    )
    status = forms.ChoiceField(
        widget=UnfoldAdminSelectWidget,
        label=_("Membership status"),
        choices=[
            (Membership.Status.ACTIVE, Membership.Status.ACTIVE.label),
            (Membership.Status.PROVISIONAL, Membership.Status.PROVISIONAL.label),
        ],
        initial=Membership.Status.ACTIVE,
        help_text=_("Provisional: the employer has no union yet; the member is held here."),
    )

    class Meta:
        model = Person
        fields = ("name", *PARTICULARS, "card_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card_number"].required = False
        self.fields["card_number"].help_text = _("Left empty, the platform makes one.")


class PersonChangeForm(forms.ModelForm):
    new_phone = forms.CharField(
        label=_("New phone"),
        max_length=30,
        required=False,
        widget=TEXT,
        help_text=_("Leave empty to keep the phone on record."),
    )

    class Meta:
        model = Person
        fields = ("name", *PARTICULARS, "card_number")


class TransferStartForm(forms.Form):
    to_org = forms.CharField(
        label=_("Receiving union"),
        max_length=200,
        help_text=_("The exact code or full name of the receiving union."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Membership.Status.choices)
    on = forms.DateField(label=_("Date"), required=False)
    note = forms.CharField(label=_("Notes"), max_length=500, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=200, required=False)
