from __future__ import annotations

import datetime as dt

from jiandu.synth.background import Background
from jiandu.synth.county import County
from jiandu.synth.render import render
from jiandu.synth.render.numerals import acceptance_fee, amount_caps, date_cn
from jiandu.synth.rng import stream


def test_numerals() -> None:
    assert date_cn(dt.date(2018, 10, 23)) == "二〇一八年十月二十三日"
    assert date_cn(dt.date(2016, 6, 22), zero="○") == "二○一六年六月二十二日"
    assert amount_caps(50000) == "伍万元整"
    assert amount_caps(707100) == "柒拾万零柒仟壹佰元整"
    # fees as in the real judgments (包河 730021.66 -> 11100; 庆城 50万 -> 8800)
    assert acceptance_fee(730021.66) == 11100
    assert acceptance_fee(500000) == 8800
    assert acceptance_fee(5000) == 50


def test_documents_have_real_structure_and_consistent_masking() -> None:
    c = County(2, 2000)
    rng = stream(2, "render")
    it = Background(c).cases()
    seen_masks = set()
    for _ in range(400):
        spec = next(it)
        r = render(spec, rng, c.staff[spec.court.key])
        text = r.text
        assert spec.court.name.removeprefix("浙江省") in text
        head = text[:400].replace(" ", "")
        assert any(w in head for w in ("民事判决书", "民事裁定书", "民事调解书", "执行裁定书"))
        bracketed = spec.case_number.replace("（", "(").replace("）", ")")
        assert spec.case_number in text or bracketed in text
        for p in r.expected["parties"]:
            assert p["name"] in text
        seen_masks.add(r.style.mask)
        if r.style.mask != "full":
            for p in r.expected["parties"]:
                if p["kind"] == "person":
                    assert "某" in p["name"] or "×" in p["name"]
    assert seen_masks == {"full", "mou", "moumou", "xx"}
