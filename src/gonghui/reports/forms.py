import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
)

from gonghui.orgs.models import Org
from gonghui.orgs.widgets import OrgTreeSelect


class PeriodForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Org.objects.none(), widget=OrgTreeSelect
    )
    date_from = forms.DateField(label=_("From"), widget=UnfoldAdminSingleDateWidget)
    date_to = forms.DateField(label=_("To"), widget=UnfoldAdminSingleDateWidget)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        today = timezone.localdate()
        self.fields["date_from"].initial = datetime.date(today.year, 1, 1)
        self.fields["date_to"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class TargetSplitForm(forms.Form):
    """Which split to edit: the org whose children get targets, the indicator, the year."""

    org = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Org.objects.none(), widget=OrgTreeSelect
    )
    indicator = forms.ChoiceField(label=_("Indicator"), widget=UnfoldAdminSelectWidget)
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=UnfoldAdminIntegerFieldWidget
    )

    def __init__(self, *args, orgs=None, **kwargs):
        from gonghui.reports.registry import all_indicators

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["indicator"].choices = [
            (key, f"{ind.name}（{ind.unit}）") for key, ind in all_indicators().items()
        ]
        self.fields["year"].initial = timezone.localdate().year
