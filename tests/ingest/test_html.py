from jiandu.documents import parse_document
from jiandu.ingest.html import html_to_text

PAGE = """<!DOCTYPE html><html><head><title>裁判文书</title>
<style>.PDF_title{font-size:22pt}</style><script>var caseinfo = {"x": 1};</script></head>
<body><div class="PDF_title">江西省湖口县人民法院</div>
<div class="PDF_title">民 事 判 决 书</div>
<div style="text-align:right">（2018）赣0429民初914号</div>
<div>原告<span>马玉兰</span>，女，1986年10月16日出生，回族。</div>
<div>被告吴兰兵，男，1981年8月1日出生，汉族。</div>
<div>原告马玉兰与被告吴兰兵民间借贷纠纷一案，本院于2018年9月17日立案。被告吴兰兵经本院传票传唤无正当理由拒不到庭参加诉讼。</div>
<div>审判员&nbsp;&nbsp;吕颖</div><div>二〇一八年十月二十三日</div><div>书记员&nbsp;刘盼</div>
</body></html>"""


def test_visible_text_only() -> None:
    text = html_to_text(PAGE)
    assert "caseinfo" not in text and "font-size" not in text and "<" not in text
    assert text.splitlines()[:3] == [
        "江西省湖口县人民法院",
        "民 事 判 决 书",
        "（2018）赣0429民初914号",
    ]
    assert "原告马玉兰，女" in text  # inline markup does not break a line


def test_spans_refer_to_visible_text() -> None:
    text = html_to_text(PAGE)
    record = parse_document(text)
    assert record.case_number == "（2018）赣0429民初914号"
    start, end = record.spans["case_number"]
    assert text[start:end] == "（2018）赣0429民初914号"
    names = {p.name for p in record.parties}
    assert {"马玉兰", "吴兰兵"} <= names
