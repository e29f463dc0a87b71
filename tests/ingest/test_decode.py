import pytest

from jiandu.ingest.decode import decode_bytes
from jiandu.ingest.rejection import Rejection

TEXT = "江西省湖口县人民法院\n民 事 判 决 书\n（2018）赣0429民初914号\n原告马玉兰，女。"


def test_utf8_and_bom() -> None:
    assert decode_bytes(TEXT.encode("utf-8")) == (TEXT, "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == (TEXT, "utf-8-sig")


def test_gb18030_detected() -> None:
    assert decode_bytes(TEXT.encode("gb18030")) == (TEXT, "gb18030")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        (TEXT.encode("utf-8")[:-2], "truncated"),
        (bytes(range(0x80, 0x100)) * 20, "undecodable"),
    ],
)
def test_rejections(data: bytes, code: str) -> None:
    with pytest.raises(Rejection) as caught:
        decode_bytes(data)
    assert caught.value.code == code
    assert caught.value.reason


def _controls_by_byte(head: bytes) -> int:
    return sum(1 for b in head if b < 0x09 or 0x0E <= b < 0x20)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text\n\t\r\x0b\x0c",
        b"\x01" * 81 + b"a" * 8111,  # 81 control bytes: just under 1 % of 8 KB
        b"\x01" * 82 + b"a" * 8110,  # 82: just over
        b"a" * 8192 + b"\x01" * 500,  # control bytes past the first 8 KB do not count
        b"\x1f\x0e\x08\x7f" * 10,
        "中文文本。\n".encode() * 3000,
        b"ab\x00cd",
    ],
)
def test_looks_binary_counts_control_bytes_of_the_head(data: bytes) -> None:
    from jiandu.inputs.binary import looks_binary

    head = data[:8192]
    expected = b"\x00" in head or _controls_by_byte(head) > len(head) * 0.01
    assert looks_binary(data) is expected


def test_plausible_share_counts_every_readable_character() -> None:
    from jiandu.ingest.decode import _plausible_share

    def readable(ch: str) -> bool:
        code = ord(ch)
        return (
            0x20 <= code < 0x7F
            or ch in "\n\r\t"
            or 0x4E00 <= code <= 0x9FFF
            or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF
            or 0x2000 <= code <= 0x206F
            or 0x3400 <= code <= 0x4DBF
            or ch in "×○〇·—①②③④⑤⑥⑦⑧⑨⑩￥\u00a0"
        )

    for code in range(0x110000):  # one character at a time: 1.0 or 0.0
        assert _plausible_share(chr(code)) == float(readable(chr(code))), hex(code)
    text = "被告人张某，男。\r\n①②⑪\x07\ufffdabc~\x7f" * 3
    assert _plausible_share(text) == sum(map(readable, text)) / len(text)
    assert _plausible_share("") == 0.0
