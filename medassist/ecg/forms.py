from django import forms


class RecordingForm(forms.Form):
    file = forms.FileField(label="ECG file")
    sampling_rate = forms.FloatField(
        label="Sampling rate (Hz)",
        required=False,
        help_text="Only for a CSV file; the other formats state their own.",
    )
    note = forms.CharField(label="Note", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
