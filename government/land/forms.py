"""Forms of the land platform: the three public lookups (sheet/parcel, code, coordinates), the
owner's error report, the official's owner search, edit and answer. Field-level Vietnamese
messages; what was typed is kept on error."""

import uuid

from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, Point
from django.utils.translation import gettext_lazy as _

from government.land import selectors
from government.land.geo import VN2000_SRID, WGS84_SRID, in_province_vn2000, in_province_wgs84
from government.land.models import ErrorReport, Parcel


class SheetLookupForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), coerce=int)
    sheet = forms.IntegerField(label=_("Số tờ bản đồ"), min_value=1, max_value=99999)
    number = forms.IntegerField(label=_("Số thửa"), min_value=1, max_value=999999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "—"), *selectors.commune_choices()]
        for name in ("sheet", "number"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"


class CodeLookupForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã thửa đất"),
        regex=r"^\s*\d{4,5}-\d{1,5}-\d{1,6}\s*$",
        max_length=24,
        help_text=_("Dạng mã xã-số tờ-số thửa, ví dụ 05977-1-3."),
        error_messages={"invalid": _("Mã thửa có dạng mã xã-số tờ-số thửa, ví dụ 05977-1-3.")},
    )


class CoordinateLookupForm(forms.Form):
    SYSTEMS = [("wgs84", _("WGS84 (kinh độ, vĩ độ)")), ("vn2000", _("VN-2000 (KTT 107°15′, múi 3°)"))]
    system = forms.ChoiceField(label=_("Hệ tọa độ"), choices=SYSTEMS, initial="wgs84")
    first = forms.FloatField(
        label=_("Vĩ độ hoặc X (m)"), help_text=_("WGS84: vĩ độ, ví dụ 21,85. VN-2000: X (hướng Bắc), ví dụ 2417141.")
    )
    second = forms.FloatField(
        label=_("Kinh độ hoặc Y (m)"),
        help_text=_("WGS84: kinh độ, ví dụ 106,76. VN-2000: Y (hướng Đông), ví dụ 449159."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def clean(self):
        data = super().clean()
        first, second = data.get("first"), data.get("second")
        if first is None or second is None:
            return data
        if data.get("system") == "vn2000":
            north, east = first, second
            if in_province_vn2000(north, east):  # typed in the other order: Y first, then X
                north, east = east, north
            if not in_province_vn2000(east, north):
                raise forms.ValidationError(
                    _(
                        "Tọa độ VN-2000 nằm ngoài tỉnh Lạng Sơn "
                        "(X khoảng 2.355.000–2.505.000 m, Y khoảng 360.000–540.000 m)."
                    )
                )
            data["point"] = Point(east, north, srid=VN2000_SRID)
        else:
            lat, lon = first, second
            if in_province_wgs84(lat, lon):  # typed as longitude, latitude
                lat, lon = lon, lat
            if not in_province_wgs84(lon, lat):
                raise forms.ValidationError(_("Tọa độ nằm ngoài tỉnh Lạng Sơn (vĩ độ 21,2–22,6; kinh độ 105,9–107,6)."))
            data["point"] = Point(lon, lat, srid=WGS84_SRID)
        return data


class ErrorReportForm(forms.Form):
    field = forms.ChoiceField(label=_("Thông tin bị sai"), choices=[("", "—"), *ErrorReport.Field.choices])
    description = forms.CharField(
        label=_("Mô tả sai sót và thông tin đúng"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("Tài liệu chứng minh"), help_text=_("PDF, JPG hoặc PNG, tối đa 10 MB (giấy chứng nhận, trích đo...).")
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class OwnerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Họ tên hoặc số CCCD"), min_length=3, max_length=150, help_text=_("Mỗi lần tìm đều được ghi nhật ký.")
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Trả lời người báo"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ParcelEditForm(forms.Form):
    land_use = forms.ModelChoiceField(label=_("Loại đất"), queryset=None, to_field_name="code")
    area_m2 = forms.DecimalField(
        label=_("Diện tích (m²)"), max_digits=12, decimal_places=1, min_value=0.1, localize=True
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    use_form = forms.ChoiceField(
        label=_("Hình thức sử dụng"), choices=[("", "—"), *Parcel.UseForm.choices], required=False
    )
    use_term = forms.CharField(label=_("Thời hạn sử dụng"), max_length=60, required=False)
    origin = forms.CharField(label=_("Nguồn gốc sử dụng"), max_length=255, required=False)
    geometry = forms.CharField(
        label=_("Hình thể mới (GeoJSON, WGS84)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_("Để trống nếu không sửa ranh giới."),
    )
    reason = forms.CharField(label=_("Lý do thay đổi (căn cứ, văn bản)"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["land_use"].queryset = selectors.land_use_codes()

    def clean_geometry(self):
        text = self.cleaned_data["geometry"].strip()
        if not text:
            return None
        try:
            return selectors.geometry_from_geojson(text)
        except (ValueError, TypeError, GEOSException, GDALException):
            raise forms.ValidationError(_("Không đọc được GeoJSON của hình thể.")) from None


class ImportForm(forms.Form):
    SYSTEMS = [
        ("", _("Theo khai báo trong tệp")),
        ("4326", _("WGS84 (kinh độ, vĩ độ)")),
        ("vn2000", _("VN-2000 (KTT 107°15′, múi 3°)")),
    ]
    upload = forms.FileField(
        label=_("Tệp dữ liệu thửa đất"),
        help_text=_(
            "GeoJSON (.geojson), GeoJSONSeq (.geojsonl) hoặc Shapefile nén (.zip); các trường ma_xa, so_to, "
            "so_thua, loai_dat. Nhập lại cùng tệp sẽ cập nhật, không tạo thửa trùng."
        ),
    )
    srs = forms.ChoiceField(label=_("Hệ tọa độ của tệp"), choices=SYSTEMS, required=False)
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
