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
    HardshipFile,
    SchoolLevel,
)
from gonghui.orgs.models import Org

TEXT = UnfoldAdminTextInputWidget
MONEY = UnfoldAdminDecimalFieldWidget
SELECT = UnfoldAdminSelectWidget


class GrantAddForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), widget=SELECT
    )
    org = forms.ModelChoiceField(
        label=_("Applying union"), queryset=Org.objects.none(), widget=SELECT
    )
    id_number_text = forms.CharField(label=_("Recipient's ID number"), max_length=40, widget=TEXT)
    cash_amount = forms.DecimalField(
        label=_("Cash (yuan)"), max_digits=14, decimal_places=2, required=False, widget=MONEY
    )
    goods_value = forms.DecimalField(
        label=_("Goods value (yuan)"), max_digits=14, decimal_places=2, required=False, widget=MONEY
    )
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
    id_number_text = forms.CharField(label=_("Applicant's ID number"), max_length=40, widget=TEXT)
    org = forms.ModelChoiceField(
        label=_("Filing union"), queryset=Org.objects.none(), widget=SELECT
    )
    household_size = forms.IntegerField(
        label=_("Household size"), min_value=1, widget=UnfoldAdminIntegerFieldWidget
    )
    annual_income = forms.DecimalField(
        label=_("Annual disposable income of the household"),
        max_digits=14,
        decimal_places=2,
        widget=MONEY,
    )
    expense_illness = forms.DecimalField(
        label=_("Medical expenses"), max_digits=14, decimal_places=2, required=False, widget=MONEY
    )
    expense_disability = forms.DecimalField(
        label=_("Disability expenses"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=MONEY,
    )
    expense_schooling = forms.DecimalField(
        label=_("Schooling expenses"), max_digits=14, decimal_places=2, required=False, widget=MONEY
    )
    expense_other = forms.DecimalField(
        label=_("Other rigid expenses"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=MONEY,
    )
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


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"))
    reference = forms.CharField(label=_("Bank reference"), max_length=60)
