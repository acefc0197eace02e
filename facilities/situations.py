"""こんなときは from what a parent types: which situations a query fits.

A situation carries the parent's words (``words``), its title and the words city staff add for
searching (``keywords``), in Japanese and English. A query fits a situation when their content words
meet (by written form, the analyser's spelling or reading, and a predicate by its stem), a negated
word only a negated one (休めない meets 仕事を休めない, not 休み). Words in many situations (子ども)
tell them apart poorly and weigh less; a query fits the situations of the highest weight.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from facilities.models import Situation
from facilities.text import Term, analyse

# At most this many situations are shown above the results.
MAX_SITUATIONS = 2
# A fit needs at least the weight of a word found in a third of the situations: 子ども alone, in half
# of them, says nothing about which one.
MIN_WEIGHT = math.log(3)


def _forms(situation: Situation) -> dict[str, bool]:
    """Each form of the situation's content words → whether it only appears negated."""
    text = "\n".join(
        [situation.title, situation.words, situation.keywords, situation.title_en, situation.words_en]
    )
    forms: dict[str, bool] = {}
    for line in text.splitlines():
        for term in analyse(line).terms:
            for form in term.forms:
                forms[form] = forms.get(form, True) and term.negated
    return forms


def _meets(term: Term, forms: dict[str, bool]) -> bool:
    negated = [forms[form] for form in term.forms if form in forms]
    return any(negated) if term.negated else bool(negated)


def match_situations(terms: Sequence[Term], situations: Sequence[Situation]) -> list[Situation]:
    """The situations ``terms`` fit best (at most MAX_SITUATIONS), in their own order; none when no
    word that tells situations apart meets (MIN_WEIGHT)."""
    if not terms or not situations:
        return []
    forms = {situation.pk: _forms(situation) for situation in situations}
    weights = {}
    for term in terms:
        meeting = sum(_meets(term, forms[situation.pk]) for situation in situations)
        # Inverse document frequency: a word in every situation weighs nothing.
        weights[term] = math.log(len(situations) / meeting) if meeting else 0.0
    scores = {
        situation.pk: sum(weights[term] for term in terms if _meets(term, forms[situation.pk]))
        for situation in situations
    }
    best = max(scores.values())
    if best < MIN_WEIGHT:
        return []
    return [situation for situation in situations if math.isclose(scores[situation.pk], best)][
        :MAX_SITUATIONS
    ]
