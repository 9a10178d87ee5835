from django import forms

from notifications import kinds


class PreferencesForm(forms.Form):
    """One checkbox per kind of email a person may turn off: ticked means "send it"."""

    def __init__(self, *args, turned_off: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.OPTIONAL:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label,
                help_text=kind.help,
                required=False,
                initial=kind.value not in turned_off,
            )

    def turned_off(self) -> set[str]:
        return {kind.value for kind in kinds.OPTIONAL if not self.cleaned_data.get(kind.value)}
