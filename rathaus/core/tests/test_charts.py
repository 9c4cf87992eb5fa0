"""The shared SVG charts: well-formed, named (title, desc, aria-labelledby), ids per chart."""

from __future__ import annotations

from xml.etree import ElementTree

from rathaus.core.charts import bars_svg, grouped_svg, lines_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


def test_every_chart_is_named_by_its_title_and_description_with_its_own_ids():
    charts = [
        bars_svg(title="A & B", desc="<d>", rows=[("x", 1, "1", False)], ident="one"),
        grouped_svg(title="G", desc="D", categories=["1"], series=[("s", [2.0])], ident="two"),
        lines_svg(title="L", desc="D", categories=["1", "2"], series=[("s", [1.0, 2.0])]),
    ]
    for svg, ident in zip(charts, ["one", "two", "chart"], strict=True):
        root = _parsed(svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
        assert root.find(f"{SVG}title").get("id") == f"{ident}-title"
        assert root.find(f"{SVG}desc").get("id") == f"{ident}-desc"
    assert _parsed(charts[0]).find(f"{SVG}title").text == "A & B"


def test_lines_break_at_missing_values_and_draw_the_limit():
    svg = lines_svg(
        title="T",
        desc="D",
        categories=["01", "02", "03", "04", "05"],
        series=[("a", [1.0, 2.0, None, 2.5, 3.0]), ("b", [None, None, None, None, None])],
        limit=(3.0, "limit 3×"),
    )
    root = _parsed(svg)
    assert len(root.findall(f"{SVG}polyline")) == 2  # two stretches of a, nothing of b
    assert len(root.findall(f"{SVG}circle")) == 4
    dashed = [line for line in root.findall(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert "limit 3×" in svg


def test_many_series_wrap_the_legend_and_cycle_the_colours():
    series = [(f"zone {n}", [float(n)]) for n in range(9)]
    root = _parsed(grouped_svg(title="T", desc="D", categories=["x"], series=series))
    legend = [rect for rect in root.findall(f"{SVG}rect") if rect.get("width") == "12"]
    assert len(legend) == 9
    assert len({rect.get("y") for rect in legend}) == 3  # four a row


def test_empty_charts_still_render():
    for svg in (
        bars_svg(title="T", desc="D", rows=[]),
        grouped_svg(title="T", desc="D", categories=[], series=[]),
        lines_svg(title="T", desc="D", categories=[], series=[]),
    ):
        assert _parsed(svg).tag == f"{SVG}svg"
