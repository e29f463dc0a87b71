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
