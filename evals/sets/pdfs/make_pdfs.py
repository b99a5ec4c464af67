#!/usr/bin/env python3
"""Regenerate the fictional news-style PDFs of the `pdfs` eval set.

Writes three two-column, justified, hyphenated articles into ``corpus/`` next to this
file. The output is byte-for-byte deterministic for a given set of tool versions:

* reportlab 5.1.0 with ``invariant=1`` (fixed creation date and document id),
* pyphen 0.18.1 (hyphenation dictionary; reportlab's ``hyphenationLang`` needs it),
* the DejaVu Serif / Sans TTF fonts from Debian's ``fonts-dejavu-core`` (2.37),
  embedded as subsets so that names such as "Nguyễn Thị Lan" render and extract.

Usage::

    python3 -m venv /tmp/pdfvenv
    /tmp/pdfvenv/bin/pip install pypdf==7.1.0 reportlab==5.1.0 pyphen==0.18.1
    /tmp/pdfvenv/bin/python evals/sets/pdfs/make_pdfs.py          # writes corpus/*.pdf
    /tmp/pdfvenv/bin/python evals/sets/pdfs/make_pdfs.py --check  # rebuild in memory, compare

Every story, person, place and organisation below is invented for testing a
question-answering system; the articles say so on their first page.

Layout of each article: a masthead and running head with the page number
("The Harbour Ledger — Page 2") on every page, a full-width headline block on page 1,
then two justified text columns (BaseDocTemplate + Frames) with automatic hyphenation,
one or two figures with captions between paragraphs, a pull quote, and footnotes that
are printed at the foot of the page on which their marker appears (a two-pass build:
pass 1 records the pages, pass 2 prints them; the footnote band is reserved on every
page in both passes, so the layout cannot change between them).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1  # fixed /CreationDate, /ModDate and /ID -> stable bytes

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    "Serif": "DejaVuSerif.ttf",
    "Serif-Italic": "DejaVuSerif-Italic.ttf",
    "Serif-Bold": "DejaVuSerif-Bold.ttf",
    "Serif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
    "Sans": "DejaVuSans.ttf",
    "Sans-Bold": "DejaVuSans-Bold.ttf",
}

PAGE_W, PAGE_H = A4
MARGIN_X = 48
TOP = PAGE_H - 62  # below the running head
FOOTNOTE_BAND = 58  # reserved at the foot of every page
BOTTOM = 40 + FOOTNOTE_BAND
GUTTER = 16
COL_W = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2
HEADER_H = 165  # full-width headline block on page 1


# --------------------------------------------------------------------------- fonts/styles
def register_fonts() -> None:
    missing = [f for f in FONTS.values() if not (FONT_DIR / f).exists()]
    if missing:
        sys.exit(f"missing fonts {missing} in {FONT_DIR}: apt-get install fonts-dejavu-core")
    for name, fname in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / fname)))
    pdfmetrics.registerFontFamily(
        "Serif", normal="Serif", bold="Serif-Bold", italic="Serif-Italic", boldItalic="Serif-BoldItalic"
    )
    pdfmetrics.registerFontFamily("Sans", normal="Sans", bold="Sans-Bold", italic="Sans", boldItalic="Sans-Bold")


def styles() -> dict[str, ParagraphStyle]:
    try:
        import pyphen  # noqa: F401
    except ImportError:  # without it reportlab silently stops hyphenating
        sys.exit("pyphen is required for hyphenation: pip install pyphen==0.18.1")
    body = ParagraphStyle(
        "body",
        fontName="Serif",
        fontSize=9.6,
        leading=12.4,
        alignment=TA_JUSTIFY,
        firstLineIndent=10,
        spaceAfter=3,
        hyphenationLang="en_GB",
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
    )
    return {
        "body": body,
        "first": ParagraphStyle("first", parent=body, firstLineIndent=0),
        "sub": ParagraphStyle("sub", parent=body, fontName="Sans-Bold", fontSize=10, leading=13,
                              alignment=TA_LEFT, firstLineIndent=0, spaceBefore=6, spaceAfter=3,
                              hyphenationLang=None),
        "headline": ParagraphStyle("headline", fontName="Serif-Bold", fontSize=23, leading=27, spaceAfter=6),
        "standfirst": ParagraphStyle("standfirst", fontName="Serif-Italic", fontSize=11.5, leading=14.5,
                                     spaceAfter=6),
        "byline": ParagraphStyle("byline", fontName="Sans", fontSize=8.5, leading=11, spaceAfter=2),
        "fiction": ParagraphStyle("fiction", fontName="Sans", fontSize=7.5, leading=9.5,
                                  textColor=colors.HexColor("#7a1f1f")),
        "caption": ParagraphStyle("caption", fontName="Serif-Italic", fontSize=8, leading=10,
                                  alignment=TA_LEFT, spaceBefore=2, spaceAfter=7),
        "pull": ParagraphStyle("pull", fontName="Serif-BoldItalic", fontSize=12.5, leading=16,
                               alignment=TA_CENTER),
        "pullby": ParagraphStyle("pullby", fontName="Sans", fontSize=8, leading=10, alignment=TA_CENTER),
        "footnote": ParagraphStyle("footnote", fontName="Serif", fontSize=7.4, leading=9),
    }


# --------------------------------------------------------------------------- flowables
class FootnoteAnchor(Flowable):
    """Zero-size marker placed after the paragraph that carries footnote `n`."""

    def __init__(self, n: int, pages: dict[int, int]):
        super().__init__()
        self.n, self.pages = n, pages
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.pages[self.n] = self.canv.getPageNumber()


def picture(kind: str, width: float, height: float = 104) -> Drawing:
    """A simple line illustration (no text, so it adds nothing to the extracted text)."""
    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#dfe6ea"), strokeColor=colors.HexColor("#5b6b73")))
    if kind == "harbour":
        d.add(Rect(0, 0, width, 34, fillColor=colors.HexColor("#8fb3c7"), strokeColor=None))
        d.add(Polygon([20, 34, 150, 34, 140, 18, 30, 18], fillColor=colors.HexColor("#444444"), strokeColor=None))
        for i in range(5):
            d.add(Rect(40 + i * 19, 34, 16, 12, fillColor=colors.HexColor("#b5533c"), strokeColor=None))
        d.add(Rect(width - 48, 34, 12, 56, fillColor=colors.white, strokeColor=colors.HexColor("#333333")))
        d.add(Circle(width - 42, 94, 6, fillColor=colors.HexColor("#f2c14e"), strokeColor=None))
    elif kind == "river":
        d.add(Polygon([0, 20, width, 60, width, 80, 0, 40], fillColor=colors.HexColor("#8fb3c7"), strokeColor=None))
        d.add(Line(0, 46, width, 86, strokeColor=colors.HexColor("#6b4f2a"), strokeWidth=3))
        d.add(Rect(30, 64, 70, 28, fillColor=colors.HexColor("#a9c98b"), strokeColor=None))
    elif kind == "map":
        d.add(Polygon([10, 10, 60, 90, 120, 70, 170, 95, width - 10, 20], fillColor=colors.HexColor("#c9d9a5"),
                      strokeColor=colors.HexColor("#5b6b73")))
        d.add(Line(15, 30, width - 20, 60, strokeColor=colors.HexColor("#2a5d7a"), strokeWidth=2))
    else:  # helmet
        d.add(Circle(width / 2, 40, 36, fillColor=colors.HexColor("#9c7a3c"), strokeColor=colors.HexColor("#5a4520")))
        d.add(Rect(width / 2 - 40, 0, 80, 40, fillColor=colors.HexColor("#dfe6ea"), strokeColor=None))
        d.add(Polygon([width / 2 - 36, 40, width / 2 - 30, 12, width / 2 - 20, 40],
                      fillColor=colors.HexColor("#9c7a3c"), strokeColor=None))
        d.add(Polygon([width / 2 + 36, 40, width / 2 + 30, 12, width / 2 + 20, 40],
                      fillColor=colors.HexColor("#9c7a3c"), strokeColor=None))
    return d


# --------------------------------------------------------------------------- building
class ArticleDoc(BaseDocTemplate):
    def __init__(self, buf, art: dict, footnote_pages: dict[int, int], st: dict[str, ParagraphStyle]):
        super().__init__(
            buf,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=PAGE_H - TOP,
            bottomMargin=BOTTOM,
            title=art["headline"],
            author=art["author"],
            subject=f"{art['masthead']} (fictional article for QA evaluation)",
            creator="evals/sets/pdfs/make_pdfs.py",
            keywords="fiction, test data",
            invariant=1,
        )
        self.art, self.footnote_pages, self.st = art, footnote_pages, st
        col_h = TOP - BOTTOM
        first = [
            Frame(MARGIN_X, TOP - HEADER_H, PAGE_W - 2 * MARGIN_X, HEADER_H, id="head",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=6),
            Frame(MARGIN_X, BOTTOM, COL_W, col_h - HEADER_H, id="c1", leftPadding=0, rightPadding=0),
            Frame(MARGIN_X + COL_W + GUTTER, BOTTOM, COL_W, col_h - HEADER_H, id="c2",
                  leftPadding=0, rightPadding=0),
        ]
        later = [
            Frame(MARGIN_X, BOTTOM, COL_W, col_h, id="c1", leftPadding=0, rightPadding=0),
            Frame(MARGIN_X + COL_W + GUTTER, BOTTOM, COL_W, col_h, id="c2", leftPadding=0, rightPadding=0),
        ]
        self.addPageTemplates([
            PageTemplate(id="first", frames=first, onPage=self.decorate),
            PageTemplate(id="later", frames=later, onPage=self.decorate),
        ])

    def decorate(self, canv, doc):
        art, page = self.art, canv.getPageNumber()
        canv.saveState()
        # running head: "<Masthead> — Page N" left, edition date right, rule below
        canv.setFont("Sans-Bold", 8.5)
        canv.drawString(MARGIN_X, PAGE_H - 40, f"{art['masthead']} — Page {page}")
        canv.setFont("Sans", 8.5)
        canv.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 40, art["edition"])
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, PAGE_H - 46, PAGE_W - MARGIN_X, PAGE_H - 46)
        # footnotes whose markers landed on this page
        notes = [n for n, p in sorted(self.footnote_pages.items()) if p == page]
        if notes:
            y = BOTTOM - 10
            canv.line(MARGIN_X, y, MARGIN_X + 120, y)
            y -= 2
            for n in notes:
                para = Paragraph(f"<super>{n}</super> {art['footnotes'][n]}", self.st["footnote"])
                _, h = para.wrap(PAGE_W - 2 * MARGIN_X, FOOTNOTE_BAND)
                para.drawOn(canv, MARGIN_X, y - h)
                y -= h + 2
        # foot of page
        canv.setFont("Sans", 7)
        canv.drawCentredString(PAGE_W / 2, 26, art["footer"])
        canv.restoreState()


def story(art: dict, st: dict[str, ParagraphStyle], pages: dict[int, int]) -> list:
    flow: list = [NextPageTemplate("later")]
    flow.append(Paragraph(art["headline"], st["headline"]))
    flow.append(Paragraph(art["standfirst"], st["standfirst"]))
    flow.append(Paragraph(art["byline"], st["byline"]))
    flow.append(Paragraph(art["fiction"], st["fiction"]))
    flow.append(FrameBreak())
    first = True
    for block in art["blocks"]:
        kind = block[0]
        if kind == "p":
            notes = block[2] if len(block) > 2 else ()
            text = block[1] + "".join(f"<super>{n}</super>" for n in notes)  # marker ends the paragraph
            flow.append(Paragraph(text, st["first"] if first else st["body"]))
            first = False
            for n in notes:
                flow.append(FootnoteAnchor(n, pages))
        elif kind == "h":
            flow.append(Paragraph(block[1], st["sub"]))
            first = True
        elif kind == "fig":
            _, pic, caption = block
            flow.append(KeepTogether([Spacer(1, 3), picture(pic, COL_W), Paragraph(caption, st["caption"])]))
        elif kind == "pull":
            _, text, who = block
            t = Table([[Paragraph(text, st["pull"])], [Paragraph(who, st["pullby"])]], colWidths=[COL_W - 8])
            t.setStyle(TableStyle([
                ("LINEABOVE", (0, 0), (-1, 0), 1.5, colors.HexColor("#7a1f1f")),
                ("LINEBELOW", (0, -1), (-1, -1), 1.5, colors.HexColor("#7a1f1f")),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]))
            flow.append(KeepTogether([Spacer(1, 4), t, Spacer(1, 6)]))  # never split a pull quote
        else:
            raise ValueError(kind)
    return flow


def check_glyphs(art: dict) -> None:
    face = pdfmetrics.getFont("Serif").face
    text = repr(art)
    bad = sorted({c for c in text if ord(c) > 127 and ord(c) not in face.charToGlyph})
    if bad:
        sys.exit(f"{art['filename']}: characters missing from DejaVu Serif: {bad}")


def build(art: dict, st: dict[str, ParagraphStyle]) -> bytes:
    check_glyphs(art)
    pass1: dict[int, int] = {}
    ArticleDoc(io.BytesIO(), art, {}, st).build(story(art, st, pass1))
    missing = set(art["footnotes"]) - set(pass1)
    if missing:
        sys.exit(f"{art['filename']}: footnote markers not placed: {missing}")
    pass2: dict[int, int] = {}
    buf = io.BytesIO()
    ArticleDoc(buf, art, dict(pass1), st).build(story(art, st, pass2))
    if pass2 != pass1:
        sys.exit(f"{art['filename']}: footnote pages moved between passes {pass1} -> {pass2}")
    return buf.getvalue()


# --------------------------------------------------------------------------- the articles
FICTION = ("This article is a work of fiction written to test a question-answering system. "
           "All people, places, organisations and figures in it are invented.")

HARBOUR = {
    "filename": "harbour-ledger-kvarnsund.pdf",
    "masthead": "The Harbour Ledger",
    "edition": "Thursday 14 March 2024",
    "author": "Rúnar Ásgeirsson",
    "footer": "The Harbour Ledger · Vesturvík · fictional edition for software testing",
    "headline": "Fishers and freighters square up over the Kvarnsund lane",
    "standfirst": ("A plan to straighten and deepen the narrow channel into Vesturvík has split the town. "
                   "The dispute now goes before the Maritime Tribunal."),
    "byline": "By <b>Rúnar Ásgeirsson</b>, Maritime Correspondent · Vesturvík, Thursday 14 March 2024",
    "fiction": FICTION,
    "footnotes": {
        1: ("The 1950–1953 survey sheets are kept at the Vesturvík Maritime Archive. A digitised "
            "set was put online in 2019."),
        2: ("The harbour office has not yet costed the compromise; it said figures would follow "
            "“within weeks”."),
        3: ("The ferry is run by Hrafney Sound Lines under a contract with the town council that is due "
            "for renewal in 2027."),
    },
    "blocks": [
        ("p", "The Kvarnsund is barely 900 metres wide at its narrowest point, yet close to thirteen thousand "
              "vessel movements passed through it last year, from small crabbers to container feeders that "
              "together carried 4.2 million tonnes of cargo. Now a proposal to dredge a straighter, deeper "
              "lane through the channel has set the town’s fishing cooperative against the freight "
              "companies whose harbour dues pay for most of the port’s upkeep."),
        ("p", "The plan, submitted in November by the Nordmarr Freight Consortium, would cut a new lane "
              "14.5 metres deep along the eastern side of the sound. It would also move the boundary of the "
              "permitted anchorage so that the traditional fishing grounds at Selbanki fall inside the "
              "shipping zone. The consortium estimates that the dredging would take two summers and cost "
              "about €61 million, which it has offered to pay in full in exchange for a thirty-year "
              "discount on harbour dues."),
        ("p", "“We cannot run a modern port on a nineteenth-century chart,” said Ólafur Sigurðsson, "
              "the harbour master of Vesturvík, who supports a smaller version of the plan. “Every winter "
              "we hold ships outside the sound for days because the old lane is too shallow at low water. "
              "That is money and fuel burned for nothing.”"),
        ("h", "A channel carved by ice"),
        ("p", "The sound formed ~8,000 years ago, when the retreating ice sheet left a drowned valley "
              "between the mainland and the island of Hrafney. Fishing families settled on its shores in the "
              "early 11th century, according to the sagas, and the first lighthouse on Hrafney was lit in 1871. "
              "The lane that ships still follow today was fixed by a hydrographic survey carried out in "
              "1950–1953, the last full survey of the channel.", [1]),
        ("fig", "harbour", "Figure 1. The container feeder Nordstjarna passing the Hrafney light at low water. "
                           "The lighthouse marks the western edge of the existing lane. "
                           "(Illustration: Ledger graphics desk)"),
        ("p", "Since that survey the harbour has grown from a seasonal herring port into a regional freight hub. "
              "Its quays handled a little over half a million tonnes a year in the 1970s; the 4.2 million "
              "tonnes of last year was a record, driven mostly by aluminium shipments from the smelter at "
              "Stórholt. Freight companies argue that larger feeders, which need at least 13 metres of water, "
              "will simply bypass Vesturvík if the lane is not deepened."),
        ("h", "“Nobody came to ask us”"),
        ("p", "The Vesturvík Fishers’ Cooperative, which represents forty-two boats, says the Selbanki "
              "grounds are where juvenile cod gather every spring. Ingrid Þórsdóttir, who chairs the "
              "cooperative, said its members had not been consulted before the plan was filed."),
        ("pull", "“They drew a line through the one place our boats have fished since my grandmother’s time.”",
                 "— Ingrid Þórsdóttir, chair of the Vesturvík Fishers’ Cooperative"),
        ("p", "“They drew a line through the one place our boats have fished since my grandmother’s time,” "
              "Þórsdóttir said. “Nobody from the consortium came down to the harbour to ask us where the fish "
              "actually are.”"),
        ("p", "Hervé Lemaître, the Marseille-based lawyer who represents the consortium, rejected that "
              "account. “There were four public meetings and a written consultation that ran for ninety days,” "
              "Lemaître said. “The cooperative chose to attend one of them.” He added that the consortium had "
              "offered to fund a compensation scheme worth €3.8 million over five years for boats whose catches "
              "fall after the works, an offer the cooperative has so far declined."),
        ("h", "What the tags show"),
        ("p", "Independent evidence is thin. Marine ecologist Nguyễn Thị Lan of the University of Hallsey has "
              "spent three seasons tagging young cod on the bank, and her preliminary results, released in "
              "January, suggest that roughly 60 per cent of the fish tagged at Selbanki stayed within two "
              "kilometres of it for the whole spring."),
        ("p", "“The bank is a nursery, not just a fishing ground,” said Nguyễn, who leads the Hallsey "
              "coastal ecology group. “Dredging next to it would stir up fine sediment at exactly the moment "
              "the young fish are most vulnerable.” She cautioned that her study had not looked at winter, "
              "when most of the tagged fish have already left the bank."),
        ("p", "Older fishers need no persuading. Many remember the 1990s, when the cod stocks of the northern "
              "banks collapsed and Vesturvík lost a third of its fleet within a decade. The town’s fish "
              "auction, which once sold catches six days a week, now opens on only three."),
        ("h", "Before the tribunal"),
        ("p", "The town council backed the consortium’s application by seven votes to four in February, "
              "but the cooperative’s objection means the final decision rests with the Maritime Tribunal, "
              "which will hear the case over three days beginning on 22 April. If the plan is approved, "
              "dredging could begin in the summer of 2025."),
        ("p", "A compromise floated by the harbour master would keep the new lane 200 metres further from the "
              "bank and confine dredging to the months from October to February, when Nguyễn’s tags suggest "
              "few young fish are present. Sigurðsson said the shift would add about a kilometre to the route "
              "but “would let both sides claim they were heard.”", [2]),
        ("fig", "map", "Figure 2. Sketch of the Kvarnsund showing the existing lane (west), the consortium’s "
                       "proposed lane (east) and the Selbanki bank between them. Not to scale."),
        ("h", "The island in the middle"),
        ("p", "Caught between the two camps are the 260 residents of Hrafney, whose only link to the mainland "
              "is a car ferry that crosses the existing lane eleven times a day. The ferry would have to cross "
              "both lanes during the works, and its operator has asked for a dedicated crossing corridor."),
        ("p", "“Nobody has asked the ferry anything either,” said Guðrún Hallgrímsdóttir, who has skippered "
              "the Hrafney ferry since 2009. “If there are dredgers working on one side and feeders queuing on "
              "the other, my passengers will be the ones waiting in the rain.”"),
        ("p", "The consortium says a corridor is already shown in its plans, and that ferry crossings would be "
              "suspended for no more than two hours on any working day. Hallgrímsdóttir said she had not seen "
              "those plans and would believe it “when it is written into the permit”.", [3]),
        ("h", "Lessons from Eystrahöfn"),
        ("p", "Both sides point to Eystrahöfn, 140 kilometres along the coast, which deepened its own approach "
              "channel in 2011. Freight volumes there doubled within six years, but the local lumpfish "
              "fishery, worth about €2 million a year before the works, has never recovered."),
        ("p", "“Eystrahöfn is the warning and the promise in one place,” said Sigurðsson. “We can copy what "
              "it got right and refuse to repeat what it got wrong.”"),
        ("p", "Lemaître argues that Eystrahöfn dredged through spring and summer without restrictions, whereas "
              "the consortium’s plan already includes silt curtains and a ban on dredging during the two weeks "
              "of peak spawning. The cooperative says two weeks is not enough: its own logbooks record juvenile "
              "cod on Selbanki from late March until the end of June."),
        ("p", "Neither side sounds ready to settle. The consortium says any lane moved away from Selbanki would "
              "need a second bend that large feeders could not take safely in a northerly gale. The cooperative "
              "says it will accept nothing that is dredged during the spawning season."),
        ("p", "The Hallsey study is due to publish its final results in 2026, long after the tribunal is "
              "expected to rule. “We are being asked to decide first and find out later,” said Þórsdóttir. "
              "Lemaître put it differently: “Ports that wait for perfect data end up as museums.”"),
    ],
}

FLOOD = {
    "filename": "valley-courier-skell-flood.pdf",
    "masthead": "The Valley Courier",
    "edition": "Saturday 9 November 2024",
    "author": "Tomás Ó Fearghail",
    "footer": "The Valley Courier · Brennmoor · fictional edition for software testing",
    "headline": "£38.6m plan to hold back the Skell divides town and farm",
    "standfirst": ("Two years after the river swamped Lowther Bridge, Brennmoor County Council has published its "
                   "flood-defence scheme. Upstream farmers say they are being asked to take the water instead."),
    "byline": "By <b>Tomás Ó Fearghail</b>, Environment Reporter · Lowther Bridge, Saturday 9 November 2024",
    "fiction": FICTION,
    "footnotes": {
        1: ("A “1-in-100-year” flood is one with a 1 per cent chance of being equalled or exceeded in any "
            "given year; it does not mean such a flood comes once a century."),
        2: ("The Courier asked the Ministry for the Environment for the grant decision letter. It had not "
            "been released when this edition went to press."),
    },
    "blocks": [
        ("p", "When the River Skell burst its banks on 27 December 2022, it put 412 homes in Lowther Bridge "
              "under water, closed the town’s only secondary school for seven weeks and cut the rail line to "
              "the coast for a fortnight. On Thursday Brennmoor County Council finally published the scheme it "
              "says will stop that from happening again, at an estimated cost of £38.6 million."),
        ("p", "The plan has two halves. In town, 3.4 kilometres of raised embankments and demountable walls "
              "would line both banks from the Mill Weir to the railway viaduct. Upstream, a storage area at "
              "Haddon Carr would be allowed to flood on purpose during high flows, holding back up to "
              "1.9 million cubic metres of water, roughly 760 Olympic swimming pools, before releasing it "
              "slowly once the peak has passed."),
        ("p", "Together, the council says, the works would protect about 2,300 homes and 180 businesses to a "
              "“1-in-100-year” standard, allowing for the wetter winters expected later this century.", [1]),
        ("h", "“The river of 2080”"),
        ("p", "“We are designing for the river of 2080, not the river of 1980,” said Siobhán Ní Bhriain, the "
              "council’s chief engineer, at the launch in the town hall. “The walls alone would have to be "
              "almost a metre higher without the storage at Haddon Carr, and people in the town centre told "
              "us very clearly that they did not want to live behind a concrete wall.”"),
        ("p", "The case for acting rests largely on the work of Zoë Kowalczyk, senior hydrologist at the "
              "Brennmoor Catchment Trust, whose analysis of gauge records going back to 1871 underpins "
              "the design. Her conclusion is stark. “The 2022 flood was not a freak,” Kowalczyk said. “On our "
              "records, a flow that used to count as a one-in-a-hundred-year event now turns up about once "
              "every thirty years.”"),
        ("fig", "river", "Figure 1. The proposed storage area at Haddon Carr, seen from Fell Lane. The new "
                         "embankment (brown line) would run along the edge of the existing water meadows. "
                         "(Illustration: Courier graphics)"),
        ("p", "Kowalczyk’s figures also show how much the valley has changed. Much of the upper moor was drained "
              "for sheep grazing in the 1950s and 1960s, and the Skell itself was straightened through Lowther "
              "Bridge in the 1990s to speed water away from the town, a decision engineers now regard as having "
              "pushed the problem downstream to the villages of Crayke and Ulverby."),
        ("h", "A long memory of water"),
        ("p", "The town has flooded for as long as it has existed. A mill leat dug in the early 11th century "
              "still runs under the market square, and parish registers record the Great Skell Flood of 1872, "
              "in which nineteen people drowned. The present flood wall, a low stone parapet along Water Street, "
              "was built in 1957–1961 and has been overtopped four times since 2000."),
        ("p", "For Małgorzata Wójcik, who chairs the Lowther Bridge Flood Action Group, the scheme cannot come "
              "soon enough. Her house on Water Street flooded in 2015 and again in 2022. “Every time it rains "
              "for two days, half the street stops sleeping,” she said. “We have been promised a plan since "
              "2016. This is the first one with money attached.”"),
        ("pull", "“They are asking us to be the sponge for the town, and to be grateful for it.”",
                 "— Jürgen Hoßfeld, farmer, Haddon Carr"),
        ("h", "The farm that takes the water"),
        ("p", "At Haddon Carr the mood is very different. Jürgen Hoßfeld, whose family has farmed 340 hectares "
              "there since 1988, would see more than a third of his land flooded in a large event. “They are "
              "asking us to be the sponge for the town, and to be grateful for it,” said Hoßfeld, who chairs "
              "the Upper Skell Farmers’ Association."),
        ("p", "Hoßfeld says the council has offered an annual payment for land set aside for storage, but not "
              "compensation for winter crops lost when the area is used, which he says could happen in one "
              "year out of four. The council says the terms are still being negotiated and that “no farmer will "
              "be left worse off”."),
        ("p", "Ní Bhriain said the scheme had been redesigned once already to leave the Hoßfeld farmhouse and "
              "yard outside the flood zone, and that the storage area would be grazed as wet meadow in most "
              "years. “We are not buying the valley,” she said. “We are renting its ability to hold water for "
              "a few days at a time.”"),
        ("h", "Who pays"),
        ("p", "Of the £38.6 million, the council expects £24.1 million to come from a national flood-defence "
              "grant, with the rest to be found from its own capital budget and a contribution from the rail "
              "operator, whose line was closed for a fortnight in 2022. The grant has been agreed in principle "
              "but not yet confirmed in writing.", [2]),
        ("p", "If the money is confirmed and the planning inquiry goes smoothly, construction would run from "
              "2025 to 2027, starting with the storage area so that the town walls can be built to a lower "
              "height. Public consultation on the scheme closes on 13 December 2024."),
        ("p", "Nobody in Lowther Bridge expects the argument to end there. “A flood scheme is a promise "
              "about the future,” said Kowalczyk. “The river does not read it.”"),
    ],
}

MUSEUM = {
    "filename": "aurecht-review-valmora-helmet.pdf",
    "masthead": "The Aurecht Review of Arts & Heritage",
    "edition": "Friday 7 June 2024",
    "author": "Mireille Østergaard",
    "footer": "The Aurecht Review of Arts & Heritage · fictional edition for software testing",
    "headline": "Civic museum secures the Valmora helmet after public appeal",
    "standfirst": ("A bronze helmet found by quarry workers more than 150 years ago will go on show in "
                   "Aurecht this autumn, after thousands of residents helped the city outbid an overseas buyer."),
    "byline": "By <b>Mireille Østergaard</b>, Arts Editor · Aurecht, Friday 7 June 2024",
    "fiction": FICTION,
    "footnotes": {
        1: ("“c.” stands for circa, “about”. The date rests on the style of the decoration and on comparison "
            "with two helmets excavated at Serrano Alto; the helmet itself has not been scientifically dated."),
        2: ("The museum has declined to identify the overseas collector, citing the terms of the export "
            "review."),
    },
    "blocks": [
        ("p", "The Civic Museum of Aurecht has bought the Valmora helmet, a bronze war helmet made c. 400 BC, "
              "for €2.75 million, ending a six-month campaign to keep one of the region’s best-known "
              "archaeological finds from leaving the country.", [1]),
        ("p", "The helmet was found in 1871 by workers cutting stone at the Valmora quarry, twelve kilometres "
              "north of the city. It has been in private hands ever since, most recently in the collection of "
              "the Căpraru family, who bought it from the quarry owner’s heirs in 1903. It has been shown in "
              "public only once, on loan to a touring exhibition in the 1990s."),
        ("p", "“Objects like this usually disappear into a vault and are never seen again,” said "
              "François-Xavier Dubœuf, the museum’s director. “This one will be on a plinth in the middle of "
              "the city it was found beside, and every schoolchild in Aurecht will be able to walk in and look "
              "at it for free.”"),
        ("h", "Matching the overseas bid"),
        ("p", "The sale was first agreed in December with a private collector abroad. Because of the helmet’s "
              "importance, the culture ministry placed a temporary export bar on it in January, giving public "
              "institutions in the country until 30 April to match the agreed price.", [2]),
        ("p", "The museum received €1.9 million from the National Heritage Fund and raised the remaining "
              "€850,000 through a public appeal, which drew gifts from more than eleven thousand donors. The "
              "largest single gift was €120,000 from a local engineering company; the median donation, the "
              "museum says, was €25."),
        ("pull", "“My great-grandfather used to say it belonged to the valley, not to us.”",
                 "— Ioana Căpraru, speaking for the Căpraru family"),
        ("p", "Ioana Căpraru, who spoke for the family at Tuesday’s signing, said they had always hoped the helmet "
              "would end up in Aurecht. “My great-grandfather used to say it belonged to the valley, not to us,” "
              "she said. “We could not turn down the first offer, but we are very glad the city found a way to "
              "match it.”"),
        ("fig", "helmet", "Figure 1. The Valmora helmet after cleaning, front view. The hinged cheek-pieces are "
                          "later replacements; the crest holder above the brow is original. "
                          "(Photograph reconstruction: Review graphics)"),
        ("h", "Buried twice"),
        ("p", "What makes the helmet unusual is not only its age but its afterlife. Ayşe Yılmaz, the museum’s "
              "curator of antiquities, says soil traces inside the bowl show that it was reburied in the "
              "foundations of a chapel in the early 11th century, some fourteen hundred years after it was made, "
              "perhaps as an offering or a curiosity found by the builders."),
        ("p", "“It is a helmet from the classical world that spent its second life in a medieval wall,” "
              "said Yılmaz. “That double history is exactly why it belongs in a public museum, where it can be "
              "studied properly.”"),
        ("p", "Yılmaz said the helmet weighs 1.2 kilograms and is held together by fourteen bronze rivets, "
              "three of which appear to have been replaced in antiquity. X-ray images taken in March show a "
              "faint incised pattern of waves along the rim that had been invisible under the corrosion."),
        ("h", "Conservation before display"),
        ("p", "Before it goes on show the helmet will spend the summer in the museum’s conservation studio. "
              "Katarzyna Łęcka, the senior conservator, said the work would focus on stabilising active "
              "corrosion on the neck guard rather than on making the object look new."),
        ("p", "“We will not polish it,” Łęcka said. “The green surface is part of the record of where it has "
              "been. Our job is to make sure it is still here for the next hundred and fifty years.”"),
        ("p", "The helmet will be displayed from 21 September 2024 in Gallery 7, the museum’s room for "
              "early metalwork, alongside a reconstruction of the Valmora quarry face as it looked in the "
              "1870s. The museum, which welcomed 310,000 visitors in 2023, expects the new display to lift "
              "attendance this year."),
        ("p", "Not everyone is celebrating. The archaeologist Dr Emeka Okonkwo-Reyes, who has studied the "
              "Valmora finds, said the price showed how the market for antiquities now outstrips public budgets. "
              "“We have saved one helmet,” he said. “There were at least three more in that quarry, and "
              "nobody knows where they went.”"),
    ],
}

ARTICLES = [HARBOUR, FLOOD, MUSEUM]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="rebuild in memory and compare with corpus/")
    args = ap.parse_args()
    register_fonts()
    st = styles()
    CORPUS.mkdir(exist_ok=True)
    status = 0
    for art in ARTICLES:
        data = build(art, st)
        path = CORPUS / art["filename"]
        digest = hashlib.sha256(data).hexdigest()[:16]
        if args.check:
            same = path.exists() and path.read_bytes() == data
            print(f"{'same' if same else 'DIFFERENT'}  {path.name}  sha256:{digest}")
            status |= 0 if same else 1
        else:
            path.write_bytes(data)
            print(f"wrote {path.name} ({len(data)} bytes, sha256:{digest})")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
