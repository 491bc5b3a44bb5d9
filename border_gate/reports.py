"""The daily report as an XLSX workbook (openpyxl), in the layout of the Border Gate Economic Zone
Management Board's evening report: totals, per crossing, and the 20:00 export backlog."""

from openpyxl import Workbook
from openpyxl.styles import Font

from border_gate.models import DailyReport

HEADERS = [
    ("name", "Cửa khẩu"),
    ("cleared", "Tổng xe thông quan"),
    ("export", "Xuất khẩu"),
    ("export_fruit", "— hoa quả"),
    ("export_other", "— hàng khác"),
    ("import", "Nhập khẩu"),
    ("import_goods", "— hàng hóa"),
    ("import_new_vehicles", "— xe mới"),
    ("turned_around", "Xe quay đầu / từ chối"),
]


def report_workbook(report: DailyReport) -> Workbook:
    data = report.data
    wb = Workbook()
    ws = wb.active
    ws.title = "Thông quan"
    ws.append([f"Báo cáo tình hình xuất nhập khẩu qua các cửa khẩu ngày {report.date:%d/%m/%Y}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Lập lúc {data['generated_at'][:16].replace('T', ' ')}"])
    ws.append([])
    ws.append([label for _k, label in HEADERS])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in data["crossings"]:
        ws.append([row[k] for k, _l in HEADERS])
    ws.append(["Tổng cộng", *[data["totals"][k] for k, _l in HEADERS[1:]]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    for col in "BCDEFGHI":
        ws.column_dimensions[col].width = 16

    backlog = data["backlog"]
    ws2 = wb.create_sheet("Tồn 20h")
    ws2.append(["Xe hàng xuất khẩu còn tồn", "Số xe"])
    for cell in ws2[1]:
        cell.font = Font(bold=True)
    ws2.append(["Hoa quả", backlog["fruit"]])
    ws2.append(["Hàng khác", backlog["other"]])
    ws2.append(["Ngoài khu vực cửa khẩu, chưa vào làm thủ tục", backlog["outside_gate_area"]])
    ws2.append(["Tổng", backlog["total"]])
    ws2.append(["Tăng/giảm so với hôm trước", backlog["delta"] if backlog["delta"] is not None else "—"])
    ws2.column_dimensions["A"].width = 48
    return wb
