"""The QA core's Danish messages: the not-yet-indexed notice and the unknown-document error."""

from __future__ import annotations

from assistant.messages import (
    danish_number,
    gather_uncertain,
    incomplete_notice,
    quoted,
    scope_notice,
    unknown_documents,
)


def test_no_notice_when_every_document_is_indexed() -> None:
    assert incomplete_notice(0, 6) == ""


def test_the_notice_counts_the_documents_not_indexed() -> None:
    assert incomplete_notice(2, 6) == "2 af 6 dokumenter er ikke indekseret endnu; svaret kan være ufuldstændigt."


def test_danish_numbers_group_thousands_with_a_point() -> None:
    assert danish_number(100_000) == "100.000"
    assert danish_number(999) == "999"


def test_a_name_is_quoted_on_one_line() -> None:
    assert quoted("notat\n  om grus.txt") == "»notat om grus.txt«"


def test_a_long_name_is_cut() -> None:
    shown = quoted("x" * 200)
    assert shown == "»" + "x" * 80 + "…«"


def test_a_name_that_is_not_text_is_quoted_as_its_repr() -> None:
    assert quoted(42) == "»42«"
    assert quoted(None) == "»None«"


def test_an_unknown_document_is_named_with_the_valid_names() -> None:
    message = unknown_documents(["ukendt.txt"], {"tabel.txt", "notat.txt"})
    assert message == (
        "Ukendt dokument i filteret: »ukendt.txt«. Gyldige navne (i forhold til dokumentmappen): notat.txt, tabel.txt."
    )


def test_many_unknown_names_are_counted_not_listed() -> None:
    message = unknown_documents([f"u{i}.txt" for i in range(1003)], {"notat.txt"})
    assert "»u0.txt«, »u1.txt«, »u2.txt« og 1.000 andre." in message
    assert "u3.txt" not in message


def test_many_valid_names_are_cut_with_a_total() -> None:
    valid = {f"d{i:02}.txt" for i in range(25)}
    message = unknown_documents(["x"], valid)
    assert "d09.txt … (25 i alt)." in message and "d10.txt" not in message


def test_an_empty_index_offers_no_names() -> None:
    assert unknown_documents(["x"], set()).endswith("dokumentmappen): (ingen).")


def test_an_answer_from_some_documents_names_them() -> None:
    assert scope_notice(["Bilag 1 – Baggrund", "Nordjyske status"], 5) == (
        "Svaret bygger kun på 2 af 5 dokumenter: »Bilag 1 – Baggrund«, »Nordjyske status«."
    )


def test_an_answer_from_many_documents_counts_the_rest() -> None:
    notice = scope_notice([f"Notat {n}" for n in range(1, 8)], 1200)
    assert notice == "Svaret bygger kun på 7 af 1.200 dokumenter: »Notat 1«, »Notat 2«, »Notat 3« og 4 andre."


def test_no_scope_when_every_document_was_searched() -> None:
    assert scope_notice([], 5) == ""
    assert scope_notice(["a", "b"], 2) == ""


def test_several_uncertain_names_of_one_municipality_are_listed_under_one_line() -> None:
    assert gather_uncertain("Læsø", []) == []
    [one] = gather_uncertain("Læsø", [("Mentorordning", "Mentorregler", 3)])
    assert one.startswith("Desuden står Læsø ved »Mentorordning« [3]") and one.endswith("ikke talt med.")
    lead, *items = gather_uncertain("Læsø", [("Mentorordning", "Mentorregler", 3), ("Grusstier", "Stier", 4)])
    assert lead == "Desuden står Læsø ved 2 navne, der kun usikkert kan knyttes til et forsøg; de er ikke talt med:"
    assert items == [
        "- »Mentorordning« [3], måske forsøget »Mentorregler«",
        "- »Grusstier« [4], måske forsøget »Stier«",
    ]
