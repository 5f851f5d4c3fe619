"""Forms of the assistance back office."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from gonghui.assistance.models import (
    Campaign,
    EligibilityGroup,
    GroupRelief,
    HardshipFile,
    SchoolLevel,
)
from gonghui.core.files import PHOTO_MAX_BYTES, PHOTOS, CheckedFileField
from gonghui.core.models import MONEY
from gonghui.orgs.models import Org
from gonghui.orgs.widgets import OrgTreeSelect

TEXT = UnfoldAdminTextInputWidget
SELECT = UnfoldAdminSelectWidget


def _amount(label, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, widget=UnfoldAdminDecimalFieldWidget, **MONEY
    )


def _person_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=40,
        widget=TEXT,
        help_text=_(
            "A name, a name with the last four ID characters, or the full ID number; pick the "
            "member from the list that appears."
        ),
    )


class GrantAddForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), widget=SELECT
    )
    org = forms.ModelChoiceField(
        label=_("Applying union"), queryset=Org.objects.none(), widget=OrgTreeSelect
    )
    id_number_text = _person_field(_("Recipient"))
    # The member picked from the list (their ID number never goes to the browser in full).
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    cash_amount = _amount(_("Cash (yuan)"), required=False)
    goods_value = _amount(_("Goods value (yuan)"), required=False)
    eligibility_group = forms.ChoiceField(
        label=_("Group (when not on file)"),
        required=False,
        widget=SELECT,
        choices=[("", "—"), *EligibilityGroup.choices],
    )
    student_name = forms.CharField(label=_("Student"), max_length=50, required=False, widget=TEXT)
    student_id_number = forms.CharField(
        label=_("Student's ID number"), max_length=40, required=False, widget=TEXT
    )
    school = forms.CharField(label=_("School"), max_length=100, required=False, widget=TEXT)
    school_level = forms.ChoiceField(
        label=_("School level"),
        required=False,
        widget=SELECT,
        choices=[("", "—"), *SchoolLevel.choices],
    )
    entry_year = forms.IntegerField(
        label=_("Entry year"), required=False, widget=UnfoldAdminIntegerFieldWidget
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False, widget=TEXT)
    bank_account = forms.CharField(
        label=_("Bank account"), max_length=40, required=False, widget=TEXT
    )
    note = forms.CharField(label=_("Notes"), max_length=300, required=False, widget=TEXT)


class StepForm(forms.Form):
    step = forms.CharField()
    reason = forms.CharField(max_length=300, required=False)


class HardshipFileAddForm(forms.Form):
    id_number_text = _person_field(_("Applicant"))
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    org = forms.ModelChoiceField(
        label=_("Filing union"), queryset=Org.objects.none(), widget=OrgTreeSelect
    )
    household_size = forms.IntegerField(
        label=_("Household size"), min_value=1, widget=UnfoldAdminIntegerFieldWidget
    )
    annual_income = _amount(_("Annual disposable income of the household"))
    expense_illness = _amount(_("Medical expenses"), required=False)
    expense_disability = _amount(_("Disability expenses"), required=False)
    expense_schooling = _amount(_("Schooling expenses"), required=False)
    expense_other = _amount(_("Other rigid expenses"), required=False)
    accident_reason = forms.CharField(
        label=_("Why hardship from an accident"),
        max_length=300,
        required=False,
        widget=TEXT,
        help_text=_("Only for hardship from an accident; the category is otherwise computed."),
    )
    causes = forms.MultipleChoiceField(
        label=_("Causes"),
        required=False,
        choices=HardshipFile.Cause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    filing_level = forms.ChoiceField(
        label=_("Filing level"),
        widget=SELECT,
        choices=HardshipFile.FilingLevel.choices,
        initial="county",
    )
    filed_on = forms.DateField(
        label=_("Filed on"), required=False, widget=UnfoldAdminSingleDateWidget
    )
    note = forms.CharField(label=_("Notes"), max_length=500, required=False, widget=TEXT)


class GroupReliefForm(forms.ModelForm):
    photo_upload = CheckedFileField(
        label=_("Photo"), kinds=PHOTOS, max_bytes=PHOTO_MAX_BYTES, required=False
    )

    class Meta:
        model = GroupRelief
        fields = ("campaign", "org", "date", "headcount", "cash_amount", "goods_value", "note")
