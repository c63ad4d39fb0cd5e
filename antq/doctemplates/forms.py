"""The upload form of a replacement template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.doctemplates.files import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp mẫu (.yaml)"),
        help_text=_("Tải tệp mặc định hoặc tệp đang áp dụng về, sửa lời văn, rồi tải lên lại."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp mẫu quá lớn: tối đa %(kb)s KB."), params={"kb": MAX_BYTES // 1024}
            )
        content: bytes = upload.read()
        return content
