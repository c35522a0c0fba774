"""The one pydantic → French translator: every caller reads pydantic's errors through it."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from entadvisor import pydantic_fr
from entadvisor.errors import Probleme


class _Exemple(BaseModel):
    model_config = ConfigDict(extra="forbid")
    genre: Literal["a", "b"]
    nombre: int = 0

    @field_validator("nombre")
    @classmethod
    def _positif(cls, value: int) -> int:
        if value < 0:
            raise ValueError("le nombre est négatif")
        return value


def _erreurs(data: dict[str, object]) -> list[pydantic_fr.Erreur]:
    with pytest.raises(ValidationError) as info:
        _Exemple.model_validate(data)
    return [pydantic_fr.lire(error) for error in info.value.errors()]


def test_our_own_value_error_is_read_without_pydantic_s_english_prefix():
    (erreur,) = _erreurs({"genre": "a", "nombre": -1})
    assert (erreur.type, erreur.champ, erreur.propre) == ("value_error", "nombre", "le nombre est négatif")
    assert pydantic_fr.mot(erreur) == "le nombre est négatif"


def test_a_literal_names_the_value_found_and_the_values_allowed_in_french():
    (erreur,) = _erreurs({"genre": "c"})
    assert erreur.propre == ""
    assert pydantic_fr.mot(erreur) == "« c » n'est pas permis ; valeurs permises : 'a' ou 'b'"


def test_structure_errors_have_french_words_and_each_caller_words_its_own():
    kinds = {e.type: pydantic_fr.mot(e) for e in _erreurs({"typ": "a"})}
    assert kinds == {"missing": "clé obligatoire absente", "extra_forbidden": "clé inconnue"}
    with pytest.raises(ValidationError) as info:
        _Exemple.model_validate({"genre": "a", "nombre": -1})
    problems = pydantic_fr.french_problems(
        info.value, lambda e: Probleme(f"« {e.champ} » : {e.propre}.", e.champ)
    )
    assert [(p.message, p.champ) for p in problems] == [("« nombre » : le nombre est négatif.", "nombre")]


def test_the_place_of_an_error_in_the_questionnaire_is_named_by_ids():
    data = {"sections": [{"id": "perimetre", "questions": [{"id": "porteur", "choix": [{}, {"valeur": 1}]}]}]}
    loc = ("sections", 0, "questions", 0, "choix", 1, "libelle")
    assert (
        pydantic_fr.lieu(data, loc)
        == "section « perimetre », question « porteur », « choix », n° 2, « libelle »"
    )
    assert pydantic_fr.lieu(data, ()) == "racine"


def test_a_caller_may_word_every_kind_it_does_not_know_the_same_way():
    """The parameter files' messages: a word per kind, « valeur invalide » for the rest."""
    (erreur,) = _erreurs({"genre": "a", "nombre": -1})
    assert (
        pydantic_fr.mot(erreur, {"missing": "champ obligatoire absent"}, defaut="valeur invalide")
        == "valeur invalide"
    )
    (erreur,) = _erreurs({"genre": "c"})
    assert (
        pydantic_fr.mot(erreur, {"literal_error": "valeur non permise"}, defaut="valeur invalide")
        == "valeur non permise"
    )
