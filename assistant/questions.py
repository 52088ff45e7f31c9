"""What a question asks for: its type, and for a comparison the things compared.

Types decide how the answer is built (extractive.py) and how deep retrieval goes (api.py):
- "meta": about the papers' dates, upvotes or authors (metadata.py);
- "compare": two or more things side by side ("Compare X with Y", "How does X differ from Y",
  "one ..., the other ...", "In what ways do X and Y differ", "X vs Y: ...", "X vs Y on Z?", "Which ..., X or
  Y?", "What distinguishes X from Y", "how X and Y each ...", "one paper ..., another ...", "the
  one that ..., or the one ...", "how does each ...");
- "list": every paper that addresses the question ("Which papers ...", "List works that ...");
- "numeric": a figure ("How many", "By how much", "What accuracy");
- "fact": anything else.
Detection reads the question's form (its opening words, plural nouns, comparison verbs), not
its topic, so it carries over to questions in other styles.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import metadata
from .text import NUMBER_WORDS, beside, content_words, split_sentences, stems

PAPER_NOUNS = r"(?:papers|works|studies|articles|abstracts|publications|entries|approaches|methods|models|benchmarks|datasets|systems|frameworks|techniques|efforts|contributions|strategies|algorithms|architectures)"
DOC_NOUNS = r"(?:papers|works|studies|articles|abstracts|publications|preprints)"  # what can only mean the papers themselves
# "Which two techniques did the authors use": what one paper did, not a list of papers.
# Also "which two new datasets did the clause-level example generation paper derive", a paper described.
OF_ONE_PAPER = (r"(?!\s+(?:did|does|do|were|was)\s+(?:the\s+)?(?:authors?|paper|study|they|it)\b"
                r"|\s+(?:did|does|was|were|is)\s+(?:the|this|that)\s+(?:[\w'-]+\s+){0,6}?(?:paper|study|work|article|survey|authors?)\b(?!s))")
COUNT = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"  # "which 12 LLMs", "which six datasets"
# "Which three maths word-problem datasets were used for ...": so many datasets, models or methods
# are one work's; a list of papers is asked as papers ("which two papers ...").
COUNTED_ITEMS = rf"(?!{COUNT}\s+(?:[\w-]+\s+){{0,3}}?(?!{DOC_NOUNS}){PAPER_NOUNS}\b)"
# The auxiliary or verb that makes "What makes X methods fragile" a question about X, not a list of methods.
NOT_LIST_WORD = r"(?:makes?|made|is|are|was|were|do|does|did|can|could|would|should|has|have|had|causes?|drives?|explains?|limits?)"
LIST = re.compile(
    rf"^\W*(?:(?:which|what)\s+{COUNTED_ITEMS}(?:(?!{NOT_LIST_WORD}\b)[\w-]+\s+){{0,3}}?{PAPER_NOUNS}\b{OF_ONE_PAPER}"
    rf"|(?:which|what)\s+(?:work|research)\s+(?!does\b|did\b|do\b)"  # "What work in the collection examines ..."
    rf"|(?:list|name|find|show|give|identify|enumerate|mention)\b(?:\s+\w+){{0,4}}?\s+(?:{PAPER_NOUNS}\b|(?:work|research)\s+(?:that|which|on|about|using|in|where|with)\b)"
    rf"|(?:are there|is there)\s+(?:any\s+)?{PAPER_NOUNS}\b"
    rf"|{PAPER_NOUNS}\s+(?:that|which|about|on|studying|proposing|using|whose)\b"
    rf"|(?:in|from|of)\s+which\s+{DOC_NOUNS}\b|(?:do|does|did)\s+any\s+(?:of\s+the\s+)?(?:[\w-]+\s+)?{DOC_NOUNS}\b)"  # "In which papers ...", "Do any papers ..."
    rf"|\b(?:in|from)\s+which\s+{DOC_NOUNS}\b"  # "mmlu shows up in which abstracts?"
    # Conversational requests for papers: "I'm looking for work that ...", "is there work on ...",
    # "anything on/using ...", "who trains ...", "any ... papers?", "remote sensing papers?", "list them".
    rf"|\b(?:looking for|searching for|point me to|recommend|suggest|collecting|gathering|compiling|rounding up)\s+(?:\w+\s+){{0,2}}?(?:{PAPER_NOUNS}|work|research|studies)\b"
    rf"|^\W*(?:is there|are there|do you have|have you got)\s+(?:any\s+)?(?:\w+\s+)?(?:work|research|anything|something|{PAPER_NOUNS})\s+(?:on|about|using|that|which|for|in|to|with)\b"
    rf"|^\W*(?:(?:got|know\s+of|have\s+you\s+got|do\s+you\s+(?:have|know))\s+)?(?:anything|something|any\s+work|any\s+research)\s+(?:on|about|using|that|which|for|with|in|where)\b"
    # "I need every paper that ...", "all the papers on ...", "... ? List the papers that ...", "I'm after agents that ..."
    rf"|\b(?:every|all(?:\s+the)?)\s+(?:[\w-]+\s+){{0,2}}?(?:papers?|works?|stud(?:y|ies)|articles?|abstracts?)\s+(?:that|which|whose|on|about|using|where|with|in)\b"
    rf"|(?<=[.?!])\s+(?:list|name|find|show|give)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{PAPER_NOUNS}\b"
    rf"|\b(?:i['’]m|i\s+am)\s+after\s+(?!(?:the|a|one)\s+(?:one|paper|study|work)\b)(?:[\w-]+\s+){{0,3}}?(?:that|which|on|about|where|using|with)\b"
    rf"|^\W*who\s+(?!is\b|are\b|was\b|were\b)\w+"
    rf"|\b(?:which|what)(?:['’]s|\s+is|\s+are)?\s+(?:in|from)\s+(?:the\s+|this\s+)?(?:collection|corpus|library)\b"  # "I'm surveying X -- what in the collection ...", "what's in the collection?"
    rf"|^\W*(?:list|name|find|give me|show me)\b[^?]*\b(?:in|from|across)\s+(?:the\s+|this\s+)?(?:collection|corpus|library)\b"  # "List the competition reports in the collection."
    # Papers placed in the collection: "robot manipulation papers in the collection?", "Is there work here
    # where ...", "Where in the collection is X built in?"
    rf"|\b(?:{DOC_NOUNS}|work|research|anything)\s+(?:here|in\s+here|in\s+(?:the|this)\s+(?:collection|corpus|library))\b"
    rf"|^\W*where\s+in\s+(?:the\s+|this\s+)?(?:collection|corpus|library)\b"
    # "What work is there on ...", "Give me everything in here on ...", "Are there diffusion models here that ...", "video retrieval work?"
    rf"|^\W*what\s+(?:\w+\s+){{0,2}}?(?:is|are)\s+there\b|^\W*what(?:['’]s|\s+is|\s+exists)\s+out\s+there\b|^\W*(?:give|show|tell)\s+me\s+(?:everything|all|anything|what)\b"
    rf"|^\W*(?:are|is)\s+there\s+(?:any\s+)?(?:[\w-]+\s+){{0,3}}?{PAPER_NOUNS}\s+(?:here|in here|in the corpus|that|which|about|on|for|using)\b"
    rf"|^(?!\W*(?:how|why|what|which|does|do|did|can|could|will|would|is|are)\b)[^?]*\b(?:work|research)\s*\?\s*$"
    rf"|^\W*(?:(?:got|know\s+of|have\s+you\s+got|do\s+you\s+(?:have|know))\s+)?any\b[^?]*\b{DOC_NOUNS}\b|\b{DOC_NOUNS}\s*\?\s*$|\blist them\b|\b{DOC_NOUNS}\s+(?:from|published|dated|since|before|after)\b",
    re.I,
)
DESCRIBED = r"the\s+(?:[\w-]+\s+){0,3}?(?:study|paper|work|one|article)\s+(?:that|which|who|where)\b"  # a paper described, not named
COMPARE = re.compile(
    r"(?:^|(?<=[.?!:;—–])\s)\W*(?:compare|contrast)\b|\b(?:set|put|place)\s+[^?]+?\s+(?:next to|beside|alongside)\s|\bboth\b[^?]*\beach\b|\beach\b[^?]*\bboth\b|\bhow (?:do|does|did)\b.+\b(?:differ|compare)\b|\bdifferences? between\b|\bwhat (?:distinguishes|separates|differentiates|sets apart)\b|\bwhich (?:one )?of the two\b[^?]*\band which\b|\bwhich (?:paper|study|one) (?:does|did|is) which\b"
    r"|\b(?:and|while|whereas)\s+(?:what|how|which|why)\s+(?:[\w-]+\s+){0,2}?the other(?:\s+one)?\b"
    r"|\bone\b[^.?]*,\s*(?:and\s+|while\s+|whereas\s+)?(?:in\s+)?(?:the other|another)\b|\bhow (?:is|are|was|were)\b[^?]*\b(?:different|similar)\s+(?:from|to)\b"
    # "the one that warms up with SFT ..., or the one built around binary rewards", "the generative one ..., and the utility-based one"
    r"|\bthe\s+(?:[\w+-]+\s+){0,3}?one\s+(?:that|which|who|built|for|with|from|on|in|using)\b[^?]*\b(?:and|or|versus|vs\.?)\s+the\s+(?:[\w+-]+\s+){0,3}?one\b"
    # "How does each represent ...", "what does each one add", "how does the A study ..., and how does the B paper ..."
    r"|\b(?:how|what|which|why)\s+(?:[\w-]+\s+){0,2}?(?:does|did|do)\s+each(?:\s+one|\s+of\s+them|\s+of\s+the\s+two)?\s+(?!other\b)\w+"
    r"|\bhow (?:does|did) the\b[^?]*,\s*and how (?:does|did) the\b|,\s*versus\s+the\s+(?:paper|study|work|one|method|approach|model)\b"
    # "In what ways do A and B differ", "How are A and B similar", "What do A and B have in common",
    # "A vs B: ...", "Which ..., A or B?", "Describe how A and B each ..."
    r"|\b(?:do|does|did|are|is|were)\b[^?]*\band\b[^?]*\b(?:differ|similar|alike|in common)\b|^[^:?]+\s(?:vs\.?|versus)\s[^:?]+(?::|\s[—–-]\s|—)"
    # terse, the whole question two things set against each other: "Circuit efficiency vs effective theory on grokking?"
    r"|^\W*(?!(?:which|what|how|why|who|when|where|is|are|do|does|did|can)\b)(?:[\w'-]+\s+){1,4}(?:vs\.?|versus)(?:\s+[\w'-]+){1,6}\s*\?\s*$"
    # "A or B: which one ..., and which one ...?"
    rf"|^\W*[^:?]{{1,60}}?\s+or\s+[^:?]{{1,60}}?\s*:\s*(?:which|who)\b(?!\s+(?:\w+\s+){{0,2}}?{PAPER_NOUNS}\b)|\bwhich one\b[^?]*\bwhich one\b"
    # "the two eye-tracking papers: what does each ..."
    rf"|\btwo\s+(?:[\w-]+\s+){{0,4}}?{DOC_NOUNS}\b"
    # "Of the study that predicts ... and the study that fine-tuned ..., which says ...?"
    rf"|\bof\s+{DESCRIBED}[^?]*?\s+and\s+{DESCRIBED}[^?]*,\s*which\b"
    rf"|^\W*(?:which|who)\b(?!\s+(?:[\w-]+\s+){{0,3}}?{PAPER_NOUNS}\b)"
    r"[^?]*,\s*(?:the\s+)?(?!either\b)(?:\S+\s+){0,3}?\S+\s+or\s+(?:\S+\s+){0,3}?\S+\?\s*$|\band\s+[^,.?;]+?\s+each\s+(?!other\b)\w+",
    re.I,
)
ASKS_TO_COMPARE = re.compile(r"(?<=[.?!])\s+\W*(?:compare|contrast)\b", re.I)  # a later sentence that says so
NUMERIC = re.compile(
    # "how large multimodal models handle ..." asks how models do, not how large something is
    r"\b(?:how (?:many|much|(?:large|big|small)(?!\s+(?:(?!(?:is|are|was|were|a|an|the|do|does|did|can|could)\b)[\w-]+\s+){0,2}?models?\b)|long|often|fast|high|low)|by (?:what|how much)|from what|to what"
    r"|what (?:[\w-]+ ){0,3}(?:percentage|percent|number|rate|accuracy|score|value|size|share|proportion|improvement|gain"
    r"|speed-?up|margin|error|reduction|increase|decrease|drop|f1|bleu|auc|count))\b"
    r"|\bhow (?:did|does|do)\b[^?]*\b(?:score|accuracy|performance|rate|error|loss)s?\b[^?]*\bchange",
    re.I,
)
# The sides of a comparison, most specific pattern first; each yields the texts compared.
PAPER_VERBS = (r"(?:study|studies|describe|use|train|report|propose|elicit|show|find|aim|target|rely|examine|evaluate"
               r"|address|tackle|introduce|present|model|explain|analy[sz]e|measure|claim|argue|build|learn)")
SIDES = [
    # "Of the study that predicts ... and the study that fine-tuned ..., which says ...?"
    re.compile(rf"\bof\s+(?P<a>{DESCRIBED}[^?]*?)\s+and\s+(?P<b>{DESCRIBED}[^?]*?),\s*which\b", re.I),
    # "Which of the two opens up cross-encoders, and which ranks documents for reviewers?"
    re.compile(r"\bwhich\s+(?:one\s+)?of\s+the\s+two\s+(?P<a>[^?]+?),?\s+and\s+which\s+(?:one\s+)?(?P<b>[^?]+)", re.I),
    # "one uses X, the other Y", "in one the model names objects, in the other it matches audio"
    re.compile(r"\bone\s+(?P<a>[^.?;:]+?)[,;]\s*(?:and\s+|while\s+|whereas\s+)?(?:in\s+)?(?:the other|another)\s+(?P<b>[^.?;]+)", re.I),
    # "the one that warms up with SFT ..., or the one built around binary rewards - which ..."
    re.compile(r"\bthe\s+(?P<a>(?:[\w+-]+\s+){0,3}?one\s+(?:that|which|who|built|for|with|from|on|in|using)\b[^?]*?),?\s+(?:and|or|versus|vs\.?)\s+"
               r"the\s+(?P<b>(?:[\w+-]+\s+){0,3}?one\b[^.?;:]*?)(?=\s+[-–—]\s+|[.?;:]|$)", re.I),
    # "how does the A study define ..., and how does the B paper measure ...", "how does the A ..., versus the B ...?"
    re.compile(r"\bhow (?:does|did) the\s+(?P<a>[^,?]+?),\s*(?:and how (?:does|did) the|versus the)\s+(?P<b>[^,?]+)", re.I),
    # "Two continual-learning papers: the brain-inspired method and the one proposing continual evaluation."
    re.compile(r":\s*(?P<a>the\s+[^:?;.]+?),?\s+(?:and|or|versus|vs\.?)\s+(?P<b>the\s+(?:[\w-]+\s+){0,2}?(?:one|paper|study|work|article)\b[^.?;:]*?)"
               r"(?=\s+[-–—]\s+|[.?;:]|$)", re.I),
    # "...: A or B - how does each one ...?"
    re.compile(r":\s*(?P<a>[^:?;]+?)\s+or\s+(?P<b>[^:?;]+?)\s+[-–—]\s+(?:how|what|which|why)\b", re.I),
    re.compile(r"\bdifferences?\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)(?=[:?;]|\s+(?:in|on|regarding|with respect to)\s|$)", re.I),
    re.compile(r"\bhow (?:do|does|did)\s+(?P<a>.+?)\s+(?:differ from|compare (?:to|with))\s+(?P<b>.+?)(?=[:?;]|$)", re.I),
    re.compile(r"\bhow (?:do|did)\s+(?:the\s+)?(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+differ\b", re.I),
    # "Contrast A with B", also after a topic ("That dip-then-recover effect: compare the paper that ... with the one that ...")
    re.compile(r"(?:^|(?<=[.?!:;—–])\s)\W*(?:compare|contrast)\s+(?:how\s+)?(?P<a>[^:?;]+?)\s+(?:with|to|and|against|versus|vs\.?)\s+(?P<b>[^:?;]+?)(?=[:?;]|\.\s|\.?$)", re.I),
    # "Set the study that varies scale next to the one that builds story tasks."
    re.compile(r"\b(?:set|put|place)\s+(?P<a>[^:?;]+?)\s+(?:next to|beside|alongside)\s+(?P<b>[^:?;]+?)(?=[:?;]|\.\s|\.?$)", re.I),
    # "A or B: which one ...?"
    re.compile(r"^\W*(?P<a>[^:?]+?)\s+or\s+(?P<b>[^:?]+?)\s*:\s*(?:which|who)\b", re.I),
    # "A vs B — how do they each ...", "A vs B: ..."
    re.compile(r"^\W*(?P<a>[^:?—–]+?)\s+(?:versus|vs\.?)\s+(?P<b>[^:?—–]+?)\s*(?::|\s[—–-]\s|—|–)", re.I),
    # "Compare two ways of X: A versus B"
    re.compile(r":\s*(?P<a>[^:?;]+?)\s+(?:versus|vs\.?|or|compared (?:to|with))\s+(?P<b>[^:?;]+)", re.I),
    # "Both A and B study ...", "A and B both ..."
    re.compile(rf"\bboth\s+(?P<a>[^,.?;]+?)\s+and\s+(?P<b>[^,.?;]+?)(?=\s+(?:\w+\s+)?{PAPER_VERBS}\b|[,.?;])", re.I),
    re.compile(r"(?:^|[.?!]\s+)(?P<a>[^,.?;]+?)\s+and\s+(?P<b>[^,.?;]+?)\s+both\b", re.I),
    re.compile(r"(?P<a>[^,:;?]+?)\s+(?:versus|vs\.?|compared (?:to|with))\s+(?P<b>[^,:;?]+)", re.I),
    re.compile(r"\b(?:do|did|are|were)\s+(?:the\s+)?(?P<a>[^,?]+?)\s+and\s+(?P<b>[^,?]+?)\s+(?:differ|similar|alike|have\s+in\s+common)\b", re.I),
    re.compile(r"\b(?:distinguish|separate|differentiate)(?:s|es)?\s+(?:the\s+)?(?P<a>.+?)\s+from\s+(?P<b>.+?)(?=[:?;]|$)", re.I),
    # "Which uses less data, LIMO or Resa?"
    re.compile(r",\s*(?:the\s+)?(?!either\b)(?P<a>(?:\S+\s+){0,3}?\S+)\s+or\s+(?P<b>(?:\S+\s+){0,3}?\S+?)\s*\?\s*$", re.I),
    # "Describe how LIMO and Resa each elicit reasoning"
    re.compile(r"(?:^|\b(?:how|whether|what|why)\s+)(?P<a>[^,.?;]+?)\s+and\s+(?P<b>[^,.?;:]+?)\s+each\b", re.I),
]
# A side that only points back ("the two papers", "the response to it") is no query of its own.
VAGUE_SIDE = re.compile(r"^\W*(?:two|both|these|those|them|they|their|each|it|its|other|latter|former|how|what|which|why|when|where|who)\b"
                        r"|\beach\b(?!\s+other\b)", re.I)
ENDS_POINTING_BACK = re.compile(r"\b(?:it|them|this|that)\W*$", re.I)  # "the response to it"; "so an assistant can talk about it" says enough


# "Is there work on X? Which data issues make it worse?": the second question is what is asked;
# not one that only asks about the papers ("Any papers that use CrossFit? what for?", "what do they find?").
SECOND_QUESTION = re.compile(r"\?\s+(?:what|which|how|why|when|where|who|does|do|did|is|are|can)\b", re.I)
ABOUT_THEM = {"each", "one", "find", "show"}  # content stems of a question that asks only about the papers listed
# "what does each paper use it for", "what does the probe recover in each case": each of a list's papers.
EACH = re.compile(r"\beach(?:\s+(?:one|paper|study|work|case|of\s+them|of\s+these))?\b", re.I)


@dataclass
class QuestionPlan:
    kind: str  # meta, compare, list, numeric or fact
    sides: list[str] = field(default_factory=list)  # what a comparison compares, when the question says
    meta: metadata.MetaQuery | None = None


# "Which six datasets were ranked ... in the cross-difficulty study?": what one paper used, not a list of papers.
IN_ONE_PAPER = re.compile(rf"^\W*(?:which|what)\s+(?:[\w-]+\s+){{0,3}}?(?!{DOC_NOUNS}\b)\w+\s+(?:were|was|are|is|did|does|do)\b[^?,;]*?"
                          r"\b(?:in|by|from|of)\s+(?:the|this|that)\s+(?:[\w'-]+\s+){0,6}?(?:paper|study|article|survey|analysis)\b(?!s)", re.I)
# "Which small models (names and sizes) does the X study use?": OF_ONE_PAPER past an aside.
PARENTHESES = re.compile(r"\s*\([^()]*\)")
OF_ONE = re.compile(rf"^\W*(?:which|what)\s+(?:[\w-]+\s+){{0,3}}?(?!{DOC_NOUNS}\b)\w+(?:(?!{OF_ONE_PAPER})"
                    # "Which benchmarks does Med-R^3 report on?": what a paper named by its method used
                    r"|\s+(?:did|does|do)\s+(?-i:[A-Z][\w^'-]*[A-Z0-9^][\w^'-]*)\s+(?!and\b|or\b))", re.I)
# A clause before the ask: "Transformers are everywhere, but which of these papers ...", "Outside
# continual and lifelong learning proper, which works name ..." (before an ask for papers only: "According
# to the paper that ..., which decoding algorithm works best" asks one paper's).
CLAUSE_FIRST = re.compile(r"^(?:[^?]*?,\s*(?:but|so)\s+(?=(?:which|what)\b)"
                          r"|[^?,:;]{1,150}?,\s*(?=(?:which|what)\s+(?:papers|works|studies|articles|abstracts)\b))", re.I)
TOPIC_FIRST = re.compile(r"^[^?:;—–]{1,200}?(?::|—|–|\s--?\s)\s*")  # "hybrid neural-symbolic systems: " before the ask
POINTER = re.compile(r"^\W*which(?:\s+ones|\s+are\s+they|\s+of\s+them)?\W*$", re.I)  # "Papers that evaluate X - which ones?": the topic is the ask
ASKS = re.compile(r"^\W*(?:what|which|how|why|when|where|who|whom|does|do|did|is|are|was|were|can|could)\b", re.I)


def plan(question: str) -> QuestionPlan:
    meta = metadata.parse(question)
    if meta is not None and (meta.ranks or not meta.topic):  # an ordering, a field, or filters alone
        return QuestionPlan("meta", meta=meta)
    # "How many ... do A and B each use?" asks for figures; "How much X is needed? Contrast A with B." compares.
    if COMPARE.search(question) and (not NUMERIC.match(question) or ASKS_TO_COMPARE.search(question)) and not _each_listed(question):
        return QuestionPlan("compare", compared_sides(question), meta)
    # "I'm building X. Which papers here ...?": the asked sentence may come after context,
    # "Hybrid neural-symbolic systems: which papers combine ...": or after a topic and a colon or dash.
    last = asked_sentence(([q for q in re.split(r"(?<=\?)\s+", question.strip()) if q.endswith("?")] or [question])[-1])  # the last question asked
    # "Is batch normalisation part of the story in any of these papers? Which ones?"
    pointed = POINTER.match(last) and last != question and re.search(rf"\b{DOC_NOUNS}\b", question, re.I)
    if pointed or (any(LIST.search(q) for q in _readings(last) + _readings(CLAUSE_FIRST.sub("", last))) or (
            any(LIST.search(q) for q in _readings(question)) and not _asks_more(question))) and not (
            IN_ONE_PAPER.search(question) or OF_ONE.search(PARENTHESES.sub("", question))):
        return QuestionPlan("list", meta=meta)
    if NUMERIC.search(question):
        return QuestionPlan("numeric", meta=meta)
    return QuestionPlan("fact", meta=meta)


def _each_listed(question: str) -> bool:
    """Whether the question's only cue of a comparison is "each" of the papers it asks for: "Which
    papers train linear probes ..., and what does the probe recover in each case?" (no two things)."""
    return (not re.search(r"\b(?:two|both|pair)\b", question, re.I) and not COMPARE.search(EACH.sub(" ", question))
            and any(LIST.search(q) for q in _readings(question)))


def _asks_more(question: str) -> bool:
    """Whether a later question asks something of its own (SECOND_QUESTION, ABOUT_THEM)."""
    return any(content_words(question[m.start() + 1 :]) - ABOUT_THEM for m in SECOND_QUESTION.finditer(question))


def _readings(text: str) -> list[str]:
    """The text, and without a topic put first ("hybrid neural-symbolic systems: which papers
    ..."); only the latter when it is a question of its own ("methods that learn diverse
    hypotheses: what are they sensitive to?" asks about those methods, not for a list of them)."""
    readings, ask = [text], TOPIC_FIRST.sub("", text)
    while ask != readings[-1]:  # "Perceptrons — the 1960s kind or modern ones: which abstracts ...": each separator in turn
        if ASKS.match(ask) and not POINTER.match(ask):
            return [ask]
        readings.append(ask)
        ask = TOPIC_FIRST.sub("", ask)
    return readings


@functools.lru_cache(maxsize=1024)  # retrieval asks for every question, and chats and batches ask again
def sides(question: str) -> tuple[str, ...]:
    """What the question compares, if it is a comparison (plan(question).sides)."""
    return tuple(plan(question).sides)


WH = r"(?:what|which|how|when|where|why|who|whom|whether)"
# "In a toy problem that ..., what condition ...": the setting before the asking clause.
LEADING_CONTEXT = re.compile(rf"^[^?]*?(?:,|:|;|—|–|\s-)\s*(?={WH}\b)", re.I)
# "... in a paper that formalizes X": the description of the paper, not what is asked of it.
DESCRIBES_PAPER = re.compile(r"\s+(?:in|from|by|of|for)\s+(?:a|an|the|one)\s+(?:\w+\s+){0,2}?(?:paper|study|work|article)\b.*$", re.I)


def asked_sentence(question: str) -> str:
    """The question's last sentence that ends with "?" (else its last): what comes before it is context."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z])", question.strip()) if s]
    return next((s for s in reversed(sentences) if s.endswith("?")), sentences[-1] if sentences else question)


def asked_part(question: str) -> str:
    """The part of a question that says what is asked: its last sentence when earlier ones give
    context ("A framework weights domains by ... Which dataset is it evaluated on?"), without
    a trailing description of the paper ("Which branch of mathematics supplies the framework
    in a paper that formalizes ..." -> "Which branch of mathematics supplies the framework")."""
    asked = LEADING_CONTEXT.sub("", asked_sentence(question))
    return DESCRIBES_PAPER.sub("", asked).strip() or asked


# A new ask starts after "and"/"or"/"but" or a comma with a question word, maybe after a preposition
# ("..., and on what kind of question does it fail?"); ", whether ..." continues the ask before it.
ASK = r"(?:(?:in|on|at|for|from|with|by|to|of|under)\s+)?(?:what|which|how|when|where|why|who|whom)"
FACET_BREAK = re.compile(rf"(?:,|:|;)?\s+(?:and|or|but)\s+(?={ASK}\b|(?:can|could|does|do|did|is|are|was|were)\b)"
                         rf"|(?:,|:|;|—|–|\s-)\s+(?={ASK}\b)|(?<=\?)\s+", re.I)


# A relative clause describes, it does not ask: "In the study where a plain transformer wins", "the paper in which ...".
RELATIVE = re.compile(r"\b(?:study|paper|work|article|setting|case|one|method|approach|model|task)s?\s+(?:(?:in|on|at|by|for|with|from|of)\s+which|where|whose)\b", re.I)


def facets(question: str) -> list[str]:
    """The separate asks of a question ("what condition was needed, and how did the heads
    appear?" -> two; "Compare A and B: what does each start from, what reward does each use?"
    -> two), each for its own sentence; one ask gives a list of one."""
    # Each part without the context sentences before it ("A and B both ... . How does each do it").
    parts = [LEADING_CONTEXT.sub("", re.split(r"(?<=[.!])\s+(?=[A-Z])", p.strip())[-1]).strip(" ,;:")
             for p in FACET_BREAK.split(question) if p]

    def asks(i: int, part: str) -> bool:
        # Three words or more, or a terse ask of two ("how many benchmarks, what fix?"); the first
        # part may ask inside itself ("A search engine was built over which body of work").
        return (len(part.split()) >= 3 or bool(re.fullmatch(rf"{WH}\s+[\w-]+\?", part, re.I))) and bool(
            re.match(rf"{ASK}\b|{WH}\b|(?:can|could|does|do|did|is|are|was|were)\b", part, re.I) or part.endswith("?")
            or (i == 0 and re.search(rf"\b{WH}\b", RELATIVE.sub("", part), re.I)))

    parts = [p for i, p in enumerate(parts) if asks(i, p)]
    return parts if len(parts) > 1 else [question]


def compared_sides(question: str) -> list[str]:
    """The things a comparison question compares, as retrieval queries; a side that only
    points back ("the two papers", "the response to it") is left out."""
    partial: list[str] = []
    for pattern in SIDES:
        match = pattern.search(question)
        if not match:
            continue
        sides = [s for s in (_clean(match.group("a")), _clean(match.group("b"))) if s and not _vague(s)]
        if len(sides) == 2:
            return sides
        partial = partial or sides
    return partial


def _vague(side: str) -> bool:
    """A side that only points back: "the two papers", "each", "the response to it" (a pronoun at
    the end and fewer than three content words)."""
    return bool(VAGUE_SIDE.search(side) or (ENDS_POINTING_BACK.search(side) and len(content_words(side)) < 3))


QUOTED_START = re.compile(r"^\s*(?:'([^']{2,80})'|\"([^\"]{2,80})\"|‘([^’]{2,80})’|“([^”]{2,80})”)(?=[\s,.:;?]|$).*$", re.S)


def _clean(side: str) -> str:
    side = re.sub(r"^(?:describe|explain|say|tell me)\s+(?:how|what|whether|why)\s+", "", side.strip(), flags=re.I)
    # "Contrast what the QA study found with what the NLI study reports": the studies are the sides.
    side = re.sub(r"^(?:what|how)\s+(?=(?:the|a|an)\s)(.+?)\s+(?:found|finds?|did|does|says?|said|reports?|reported|shows?|showed|concludes?|concluded)\W*$",
                  r"\1", side.strip(), flags=re.I)
    side = re.sub(r"^\W*(?:the|a|an)\s+(?=\w)", "", side, flags=re.I)
    # A side that opens with a quoted name is that name: "'Weird Generalization' fine-tune language models on ...".
    side = QUOTED_START.sub(lambda m: next(g for g in m.groups() if g), side)
    return side.strip(" ,.:;?")


# "How many curated training samples were ...", "for how many epochs?" -> the counted thing: the
# words after "how many" up to the verb ("went", any "-ed") or the end, so "817 curated training samples" beats
# another sentence's "7B parameters" (extractive) and a figure must come with it (gate).
COUNTED_THING = re.compile(r"\bhow many\s+(?:of\s+(?:the|these|those|its|their|all)\s+)?((?:[\w'-]+\s+){0,3}?[\w'-]+?)(?=\s+(?:do|does|did|are|is|were|was|can|could|have|has|had|would"
                           r"|will|should|in|into|of|on|for|with|from|to|that|the|than|per|at|by|it|they|we|went|go|goes|got|get|gets|[a-z]+ed)\b|\s*[?,.;:]|\s*$)", re.I)
# A score or a share asked for, a prefix and all ("macro-F1", "PR-AUC", "what proportion"): a figure
# ask here and, in gate.SCORE_ASK, one a percentage or a fraction answers.
SCORE_WORDS = r"percentage|percent|proportion|fraction|accuracy|score|f1|bleu|auc"
# Asks only a number answers ("what size ..." may be answered "intermediate sizes").
FIGURE_CUE = re.compile(r"\b(?:how (?:many|much)|how (?:large|big|wide) (?:is|was|are|were) the (?:[\w-]+ ){0,3}?(?:gap|difference|improvement|gain|drop|margin)"
                        r"|by (?:how much|what (?:margin|factor|percentage))|what (?:[\w-]+ ){0,3}?"
                        rf"(?:[a-z]+-)?(?:{SCORE_WORDS}|number|count|rate)s?)\b", re.I)
COMPARATIVE = {"more", "larger", "fewer", "less", "smaller", "bigger", "longer", "shorter", "than"}


# An ask for a model by name: "which LLM", "what base model", "which of the 12 LLMs", "which eight
# vision-language models", "which audio encoder", "which cross-encoder checkpoint", a verb or the end
# next; not "which model dimension" (a property), "what kind of model" (a type, not a name) or "what
# model do they propose" (the paper's own, coined name).
# Not a model in the sense of a theory ("What statistical model do they borrow ...?", b5-05).
MODEL_CUE = re.compile(r"\b(?:which|what)\s+(?!(?:kinds?|types?|sorts?|class|family)\s+of\b"
                       r"|(?:statistical|mathematical|theoretical|probabilistic|cognitive|mental|formal)\s+models?\b)"
                       rf"(?:of the [\w-]+\s+|(?:{COUNT}\s+)?(?:(?:pretrained|pre-trained)\s+)?"
                       r"(?:(?!(?:is|are|was|were|do|does|did|papers|works|studies)\b)[\w-]+\s+)?)(?:(?:pretrained|pre-trained|base|underlying|open|specific|backbone|"
                       r"language|foundation)\s+)*(?:LLMs?|LMs?|VLMs?|MLLMs?|GNNs?|models?|language models?|encoders?|backbones?|checkpoints?)(?:\s+famil(?:y|ies))?"
                       r"(?=\s+(?:was|were|is|are|does|do|did|has|had|can|could|would|and|\w+ed)\b|\s*[?,;(]|\s*$)", re.I)
COINED_MODEL = re.compile(r"\b(?:propose|introduce|present|develop|build|design|call|name)[sd]?\b", re.I)


def _opening(question: str, cue: re.Pattern) -> list[tuple[str, re.Match]]:
    """The asks of a question (facets, each its asked part) that `cue` opens: within its first
    two words ("for how many epochs?", "exactly how many tokens"), so "what's the name for how
    often ..." is not opened by "how often"."""
    asks = [asked_part(part) for part in facets(question)]
    return [(ask, m) for ask in asks if (m := cue.search(ask)) and len(ask[: m.start()].split()) <= 2]


def model_asks(question: str) -> list[str]:
    """The asks of a question that want a model named ("Which LLM does the agent run on?");
    an ask for the model a paper itself proposes is not one."""
    return [ask for ask, cue in _opening(question, MODEL_CUE) if not COINED_MODEL.search(ask[cue.end():])]


# An ask for the datasets a described paper used, counted: "which six datasets were ranked", "which
# three benchmarks were re-split"; not "which benchmark has several tasks" (a paper's benchmark,
# found by what it is), "what dataset size" (a property) or "what dataset do they introduce" (its own).
DATASET_CUE = re.compile(rf"\b(?:which|what)\s+{COUNT}\s+(?:[\w-]+\s+){{0,2}}?"
                         r"(?:datasets|benchmarks|corpora|test sets)(?=\s+(?:was|were|are|did|do|\w+ed)\b|\s*[?,;]|\s*$)", re.I)


def dataset_asks(question: str) -> list[str]:
    """The asks of a question that want a dataset or benchmark named ("Which six datasets were
    ranked?"); an ask for the dataset a paper itself builds is not one."""
    return [ask for ask, cue in _opening(question, DATASET_CUE) if not COINED_MODEL.search(ask[cue.end():])]


# "How much specialist knowledge does its prompting scheme require?" asks for a degree ("limited
# domain expertise"), not a figure: knowledge, effort and the like are not counted (blind 20).
DEGREE_ASK = re.compile(r"\bhow much\s+(?:[\w-]+\s+)?(?:knowledge|expertise|effort|supervision|input|guidance|help|intervention"
                        r"|understanding|insight|information|bias|diversity|control|attention|overlap|influence)\b", re.I)


# What the counted things went through is no part of them: "how many trained models" counts models ("6000 models").
PARTICIPLES = re.compile(r"^(?:[a-z]+ed\s+)+(?=\w)", re.I)


# An ask for the value of a training setting: "what learning rate", "which weight-decay coefficient
# and dropout rate", "what batch size": its figure is written beside the setting ("a learning rate of 1e-3").
SETTING_CUE = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,3}?(learning[- ]rates?|dropout(?:\s+rates?)?|weight[- ]decay(?:\s+coefficients?)?"
                         r"|batch[- ]sizes?|(?:pruning|masking|sparsity|compression|mixing)\s+(?:rates?|ratios?|levels?)|(?:softmax\s+|sampling\s+)?temperatures?|warm-?up(?:\s+(?:steps|length))?|(?:lora|adapter)\s+ranks?)\b", re.I)


def figure_asks(question: str) -> list[tuple[str, set[str]]]:
    """The asks of a question that want a figure ("how many epochs", "what accuracy does it
    reach", "what learning rate"), each with the stems of what it counts ({"epoch"}, {"learn",
    "rate"}; empty when it names no unit). People are counted by who they are: "how many
    people" is "19 researchers and clinicians"; data points by any of their names (_counted_as)."""
    counts = [(ask, _counted_as(set(stems(PARTICIPLES.sub("", counted.group(1)))) - COMPARATIVE) if (counted := COUNTED_THING.search(ask)) and not NO_THING.fullmatch(counted.group(1)) else set())
              for ask, _ in _opening(question, FIGURE_CUE) if not DEGREE_ASK.search(ask)]
    named = {ask for ask, thing in counts if thing}
    settings = [(ask, set(stems(cue.group(1))) | set(stems(cue.group(1).replace("-", " "))))  # "weight-decay" and "weight decay"
                for ask, cue in _opening(question, SETTING_CUE) if ask not in named]
    # "What pruning rate ..." is a figure ask (FIGURE_CUE) that names no counted thing: the setting says what it counts.
    set_asks = {ask for ask, _ in settings}
    return [(ask, thing) for ask, thing in counts if thing or ask not in set_asks] + settings


PEOPLE = set(stems("people persons humans individuals"))
WHO = set(stems("participants researchers clinicians physicians doctors users annotators raters workers experts volunteers "
                "students subjects evaluators judges developers engineers crowdworkers respondents patients children adults"))


# Data points are counted under several names: "how many examples per task" is "32 instances per task".
EXAMPLES = set(stems("examples instances samples exemplars datapoints"))
DEMOS = set(stems("demos demonstrations"))
WAYS = set(stems("ways methods approaches strategies techniques variants designs schemes"))  # "how many ways ... try": "three methods"
COUNTED_NAMES = ((PEOPLE, WHO), (EXAMPLES, EXAMPLES), (DEMOS, DEMOS), (WAYS, WAYS))  # a counted thing, and the names it is counted by


def _counted_as(counted: set[str]) -> set[str]:
    """What counts as the counted thing: people by who they are; data points, demonstrations and ways of doing something by any of their names."""
    return counted.union(*(names for thing, names in COUNTED_NAMES if counted & thing))


# "How many worked and how many did not?": a verb, not a counted thing; any figure may answer.
NO_THING = re.compile(r"(?:do|does|did|are|is|were|was|have|has|had|can|could|would|will|should)\b.*|[a-z]+ed", re.I)


# A list asked by a count: "more than twenty distinct LLMs", "well over a hundred tasks", "at least
# 1M pairs". The papers it asks for state a figure at least that large beside the counted thing
# (exceeding); api.Assistant.named lists the retrieved ones that do.
AMOUNT = (r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:\s?(?:[kKmMbB](?![\w])|\+)|\s+(?:hundred|thousand|million|billion)\b)?|\b(?:a\s+|one\s+)?(?:"
          + "|".join(NUMBER_WORDS) + r")s?(?:\s+(?:hundred|thousand|million|billion))?\b|\bdozens\b")
THRESHOLD = re.compile(rf"\b(?:more than|over|at least|upwards of|in excess of|exceeding)\s+({AMOUNT})\s+"
                       r"(?:(?:distinct|different|separate|unique|individual)\s+)?([A-Za-z][\w-]*)", re.I)


def amount(figure: str) -> float:
    """The value of a figure as written: "1,616" 1616, "12M" 1.2e7, "1600+" 1600, "a hundred" 100,
    "thousands" 1000, "twenty" 20."""
    figure = figure.lower().strip()
    m = re.match(r"(\d[\d,]*(?:\.\d+)?)\s?([kmb](?![a-z]))?", figure)
    value = float(m.group(1).replace(",", "")) * {"k": 1e3, "m": 1e6, "b": 1e9}.get(m.group(2) or "", 1) if m else 1.0
    for word in re.findall(r"[a-z]+", figure[m.end():] if m else figure):
        value *= NUMBER_WORDS.get(word.removesuffix("s"), 12 if word == "dozens" else 1)
    return value


def threshold(question: str) -> tuple[float, set[str]] | None:
    """The least count a list question asks for and the stems of what it counts, or None."""
    if not (m := THRESHOLD.search(question)):
        return None
    counted = set(stems(m.group(2)))
    return (amount(m.group(1)), counted) if counted else None


def exceeding(text: str, least: float, counted: set[str]) -> str | None:
    """The first figure of `text` at least `least` with the counted thing beside it ("1,616 diverse
    tasks" for a hundred tasks), or None."""
    for sentence in split_sentences(text):
        for m in re.finditer(AMOUNT, sentence, re.I):
            if amount(m.group()) >= least and beside(sentence, m, counted):
                return m.group().strip()
    return None
