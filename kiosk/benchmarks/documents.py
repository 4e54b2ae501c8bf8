"""Document benchmarks: A4 certificate against WeasyPrint, 80 mm slip, preview raster.

Every timed call renders a *different* document (serial, resident name and signed payload cycle
through a pool built before timing), as production does: nothing is served from a cache keyed
on the exact document. Fonts are registered before timing (once per process in the app too).
"""

from __future__ import annotations

import html
import itertools
import math
from dataclasses import replace
from datetime import date, datetime

from civic.idnumber import mask_id_number
from forms.document import Document, Field
from forms.fonts import SONG_PATH, load_fonts
from forms.keys import SigningKey
from forms.preview import render_preview
from forms.qr import dark_runs, qr_matrix
from forms.render import render
from forms.seal import SEAL_LABEL
from forms.verify import sign_document
from kiosk.bench import Measurement, time_ms
from kiosk.config import Config

POOL = 8
NAMES = ("王秀英", "李建国", "张桂兰", "刘德胜", "陈淑芬", "杨志强", "赵玉梅", "黄永福")
BODY = (
    "兹证明{name}（公民身份号码{masked}）自2009年3月起居住在铜川市王益区红旗街道红旗街社区"
    "幸福小区3号楼2单元501室，系本社区常住居民，户籍所在地为本社区。经社区居民委员会核实，"
    "该居民在本社区连续居住已满十五年，期间遵纪守法，邻里和睦，积极参加社区组织的志愿服务、"
    "文明创建和老年协会活动（2019年、2022年两次获评“社区好邻居”）。\n\n"
    "该居民现申请办理城乡居民养老保险待遇资格认证及高龄津贴，需由居住地社区出具居住证明。"
    "经查阅社区居民登记档案、网格员入户走访记录及物业服务中心登记信息，上述情况属实。"
    "如有疑问，请与本社区居民委员会联系核实，联系电话0919-3181234（工作日8:30—17:30）。\n\n"
    "该居民家庭成员共三人，配偶李建国、儿子李明均与其共同居住，无违法违纪记录。\n\n"
    "特此证明。"
)


def _certificates(config: Config, key: SigningKey) -> list[Document]:
    t = config.terminal
    docs = []
    for i, name in enumerate(NAMES[:POOL]):
        id_number = f"6102021958031{i:04d}"[:17] + "X"
        masked = mask_id_number(id_number)
        doc = Document(
            layout="certificate",
            paper="a4",
            title="居住证明",
            body=BODY.format(name=name, masked=masked),
            serial=f"{t.community_code}-20250301-{i + 1:05d}",
            issuer_name=t.issuer,
            issue_date=date(2025, 3, 1),
            created_at=datetime(2025, 3, 1, 9, 30, i),
            terminal_id=t.id,
            particulars=(
                Field("姓名", name),
                Field("性别", "女" if i % 2 == 0 else "男"),
                Field("公民身份号码", masked),
                Field("民族", "汉族"),
                Field("住址", "铜川市王益区红旗街道红旗街社区幸福小区3号楼2单元501室"),
            ),
            purpose="办理城乡居民养老保险待遇资格认证",
            validity_days=30,
        )
        payload = sign_document(
            doc, item_id="residence_certificate", id_number=id_number, name=name, key=key
        )
        docs.append(replace(doc, qr_payload=payload, key_fingerprint=key.fingerprint))
    return docs


def _qr_svg(payload: str, side_mm: float) -> str:
    """The QR as one SVG path of merged dark runs (the cheapest form for WeasyPrint)."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    runs = [f"M{start} {r}h{length}v1h-{length}z" for r, start, length in dark_runs(matrix)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'width="{side_mm}mm" height="{side_mm}mm"><path d="{"".join(runs)}"/></svg>'
    )


def _seal_svg(issuer: str) -> str:
    n = len(issuer)
    span = 250.0
    parts = []
    for i, ch in enumerate(issuer):
        angle = 90 + span / 2 - span / max(n - 1, 1) * i
        a = math.radians(angle)
        x, y = 50 + 34 * math.cos(a), 50 - 34 * math.sin(a)
        parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="11" text-anchor="middle" '
            f'transform="rotate({90 - angle:.2f} {x:.2f} {y:.2f})">{html.escape(ch)}</text>'
        )
    star = " ".join(
        f"{50 + (15 if k % 2 == 0 else 5.7) * math.cos(math.radians(90 + 36 * k)):.2f},"
        f"{50 - (15 if k % 2 == 0 else 5.7) * math.sin(math.radians(90 + 36 * k)):.2f}"
        for k in range(10)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="42mm" '
        'height="42mm" style="position:absolute;right:10mm;bottom:-12mm" '
        'fill="#db1419" font-family="KS">'
        '<circle cx="50" cy="50" r="47" fill="none" stroke="#db1419" stroke-width="5"/>'
        f'{"".join(parts)}<polygon points="{star}"/>'
        f'<text x="50" y="82" font-size="9" text-anchor="middle">{SEAL_LABEL}</text></svg>'
    )


def certificate_html(doc: Document) -> str:
    """The same certificate as HTML for WeasyPrint, with the same UMing font via @font-face."""
    e = html.escape
    rows = "".join(f"<tr><th>{e(f.label)}</th><td>{e(f.value)}</td></tr>" for f in doc.particulars)
    paragraphs = "".join(f"<p>{e(p)}</p>" for p in doc.body.split("\n") if p.strip())
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: KS; src: url({SONG_PATH.as_uri()}); }}
@page {{ size: A4; margin: 20mm 25mm 25mm 25mm;
  @bottom-center {{ content: "编号 {e(doc.serial)}　终端 {e(doc.terminal_id)}　密钥指纹 {
        e(doc.key_fingerprint or "")
    }"; font: 9pt KS; }} }}
body {{ font-family: KS; font-size: 13pt; line-height: 1.75; }}
.serial {{ text-align: right; font-size: 10.5pt; }}
h1 {{ text-align: center; font-size: 24pt; font-weight: normal; letter-spacing: 12pt; }}
table {{ width: 100%; border-collapse: collapse; font-size: 11.5pt; margin-bottom: 7mm; }}
th, td {{ border: 0.7pt solid black; padding: 1.5mm; font-weight: normal; }}
th {{ background: #eee; width: 28mm; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
.issuer {{ position: relative; text-align: right; margin: 18mm 6mm 0 0; font-size: 15pt; }}
.qr {{ position: fixed; left: 0; bottom: 5mm; font-size: 9pt; text-align: center; }}
</style></head><body>
<div class="serial">编号：{e(doc.serial)}</div><h1>{e(doc.title)}</h1>
<table>{rows}</table>{paragraphs}
<p>本证明仅用于{e(doc.purpose or "")}。</p><p>本证明自出具之日起{doc.validity_days}日内有效。</p>
<div class="issuer">{e(doc.issuer_name)}<br>2025年3月1日{_seal_svg(doc.issuer_name)}</div>
<div class="qr">{_qr_svg(doc.qr_payload or "", 30)}<br>扫码核验</div>
</body></html>"""


def render_a4_certificate(config: Config) -> Measurement:
    """~450-character signed certificate with seal and QR: reportlab vs WeasyPrint, warm p50."""
    import weasyprint

    fonts = load_fonts()
    docs = _certificates(config, SigningKey.generate_ephemeral())
    chars = len(docs[0].body) + sum(len(f.value) for f in docs[0].particulars)
    ours = itertools.cycle(docs)

    def render_fresh() -> bytes:
        # each production document has its own payload: make the QR encoder run every time
        qr_matrix.cache_clear()
        return render(next(ours), fonts)

    value, p99 = time_ms(render_fresh, warmup=POOL, repeat=40)
    pages = [certificate_html(d) for d in docs]
    theirs = itertools.cycle(pages)
    baseline, _ = time_ms(
        lambda: weasyprint.HTML(string=next(theirs)).write_pdf(), warmup=3, repeat=16
    )
    return Measurement(
        "render_a4_certificate",
        value,
        "ms",
        p99=p99,
        baseline=baseline,
        note=f"{chars} chars, seal + QR; baseline WeasyPrint {weasyprint.__version__}",
    )


def render_slip80(config: Config) -> Measurement:
    """An 80 mm receipt slip with QR, warm p50 (no baseline)."""
    fonts = load_fonts()
    key = SigningKey.generate_ephemeral()
    docs = []
    for cert in _certificates(config, key):
        slip = replace(
            cert,
            layout="slip",
            paper="slip80",
            title="居住证明申请受理回执",
            body="您的申请已受理，请妥善保管本回执。",
            particulars=cert.particulars[:1] + cert.particulars[2:3],
            next_steps="请于3月8日前携带户口本原件到窗口领取证明。",
            where_to_go="红旗街社区党群服务中心一楼2号窗口",
            purpose=None,
            validity_days=None,
        )
        docs.append(slip)
    cycle = itertools.cycle(docs)

    def render_fresh() -> bytes:
        qr_matrix.cache_clear()
        return render(next(cycle), fonts)

    value, p99 = time_ms(render_fresh, warmup=POOL, repeat=40)
    return Measurement("render_slip80", value, "ms", p99=p99, note="80 mm, QR, reprints none")


def preview_raster(config: Config) -> Measurement:
    """First page of a certificate rasterised at 100 dpi for the on-screen preview."""
    fonts = load_fonts()
    docs = _certificates(config, SigningKey.generate_ephemeral())
    pdfs = itertools.cycle([render(d, fonts) for d in docs])
    value, p99 = time_ms(lambda: render_preview(next(pdfs), dpi=100), warmup=3, repeat=30)
    return Measurement("preview_raster", value, "ms", p99=p99, note="A4 page at 100 dpi")
