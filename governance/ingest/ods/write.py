"""Write a plan (the write stage): new ICB roots through the tree service, the rest in bulk, with history.

Call ``apply`` inside ``tree.structural_write()`` and ``tree_check.rebuild()`` afterwards
(``importer.import_ods`` does). Bulk writes send no signals, so this records a history row
for each organisation and link it creates, changes or removes, and bumps the data version
once when it wrote. Must not decide what to write: that is the plan's.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from governance.domain import history, tree, tree_check
from governance.ingest.ods.plan import Plan
from governance.ingest.ods.summary import IMPORTED_KINDS
from governance.models import (
    Dataset,
    DataVersion,
    Kind,
    Link,
    Organisation,
    OrganisationName,
    RegisteredPatients,
    Source,
    Succession,
)

BATCH = 1000


def guess_tree_fields(plan: Plan) -> dict[str, tuple[int, int, int]]:
    """(lft, rght, level) for the new rows, as ``tree_check.rebuild()`` will number them.

    Only a head start: rebuild() renumbers from ``parent`` and corrects any difference,
    but a good guess spares it rewriting every new row (on a first import, all of them).
    Like rebuild(), it keeps existing children in their stored order; new ones follow.
    """
    code_of = {row.pk: code for code, row in plan.existing.items()}
    parent_of = {code: code_of.get(row.parent_id) for code, row in plan.existing.items()}
    parent_of.update((update.row.code, update.values["parent"]) for update in plan.updates if "parent" in update.values)
    parent_of.update((wanted.code, wanted.parent) for wanted in plan.new)
    position = {wanted.code: i for i, wanted in enumerate(plan.new)}

    def sibling_order(code):
        row = plan.existing.get(code)
        return (0, row.lft or 0, row.pk) if row else (1, position[code], 0)

    children = defaultdict(list)
    for code, parent in parent_of.items():
        if parent is not None:
            children[parent].append(code)

    roots = set()
    for wanted in plan.new:
        code, seen = wanted.code, set()
        while parent_of.get(code) is not None and code not in seen:
            seen.add(code)
            code = parent_of[code]
        if parent_of.get(code) is None:  # else a cycle: leave it to rebuild() to refuse
            roots.add(code)

    numbers = {}
    for root in roots:
        walked = tree_check.nested_set_numbers(root, children, order=sibling_order)
        numbers.update((code, numbered) for code, numbered in walked.items() if code in position)
    return numbers


UPDATE_FIELDS = ("name", "postcode", "opened", "closed", "region", "parent", "sub_icb", "updated_at")
LINK_FIELDS = ("parent", "end", "source", "start_exact", "end_exact")


def apply(plan: Plan) -> None:
    """Write the plan: new ICB roots through the tree service, the rest in bulk; bump the data version if it wrote.

    Call inside ``tree.structural_write()``, and ``tree_check.rebuild()`` afterwards.
    """
    if not plan.writes:
        return
    now = timezone.now()
    pks = write_organisations(plan, now)
    write_links(plan, pks, now)
    write_successions(plan, pks)
    write_names(plan, pks)
    write_patients(plan)
    for role, fields in plan.datasets.items():
        Dataset.objects.update_or_create(role=role, defaults={**fields, "imported_at": now})
    DataVersion.objects.bump()  # bulk writes send no signals: tell the API its cached answers are stale


def write_organisations(plan: Plan, now: datetime.datetime) -> dict[str, int]:
    """Create and update the organisations; return every code's pk."""
    pks = {code: row.pk for code, row in plan.existing.items()}
    tree_ids = {code: row.tree_id for code, row in plan.existing.items()}

    def pk_of(code: str | None) -> int | None:
        return pks[code] if code else None

    for wanted in plan.new:
        if wanted.kind == Kind.ICB:
            root = tree.create_organisation(
                code=wanted.code,
                name=wanted.name,
                kind=Kind.ICB,
                region=wanted.region,
                opened=wanted.opened,
                closed=wanted.closed,
                source=Source.ODS,
            )
            pks[wanted.code], tree_ids[wanted.code] = root.pk, root.tree_id

    numbers = guess_tree_fields(plan)
    for kind in IMPORTED_KINDS[1:]:
        batch = []
        for wanted in plan.new:
            if wanted.kind != kind:
                continue
            tree_ids[wanted.code] = tree_ids[wanted.parent]
            lft, rght, level = numbers.get(wanted.code, (0, 0, 0))
            batch.append(
                {
                    "code": wanted.code,
                    "name": wanted.name,
                    "kind": kind,
                    "parent_id": pks[wanted.parent],
                    "sub_icb_id": pk_of(wanted.sub_icb),
                    "opened": wanted.opened,
                    "closed": wanted.closed,
                    "postcode": wanted.postcode,
                    "region": wanted.region,
                    "source": Source.ODS,
                    "tree_id": tree_ids[wanted.parent],
                    "lft": lft,
                    "rght": rght,
                    "level": level,
                    "updated_at": now,
                }
            )
        if not batch:
            continue
        ids = insert_rows(Organisation, batch)
        # RETURNING gives the ids, not necessarily in the rows' order: match them by code.
        pks.update(Organisation.objects.filter(pk__in=ids).values_list("code", "pk"))
        history.copy_to_history(Organisation, ids, history_type="+", when=now, reason=history.IMPORT_REASON)

    changed = []
    for update in plan.updates:
        row, values = update.row, update.values
        parent_id = pks[values["parent"]] if "parent" in values else row.parent_id
        sub_icb_id = pk_of(values["sub_icb"]) if "sub_icb" in values else row.sub_icb_id
        changed.append(
            Organisation(
                pk=row.pk,
                code=row.code,  # not updated; set for the history row, which records every field
                kind=row.kind,
                source=row.source,
                top_board_id=row.top_board_id,
                name=values.get("name", row.name),
                postcode=values.get("postcode", row.postcode),
                opened=values.get("opened", row.opened),
                closed=values.get("closed", row.closed),
                region=values.get("region", row.region),
                parent_id=parent_id,
                sub_icb_id=sub_icb_id,
                updated_at=now,  # bulk_update does not apply auto_now
            )
        )
    Organisation.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=BATCH)
    history.copy_to_history(
        Organisation, [o.pk for o in changed], history_type="~", when=now, reason=history.IMPORT_REASON
    )
    return pks


def write_links(plan: Plan, pks: dict[str, int], now: datetime.datetime) -> None:
    """Remove, change and create the dated links, with a history row for each."""
    reason = history.IMPORT_REASON
    removed = [have.pk for have in plan.removed_links]
    history.copy_to_history(Link, removed, history_type="-", when=now, reason=reason)
    for start in range(0, len(removed), BATCH):
        # A plain delete would write a history row per link through its signal: they are written above.
        Link.objects.filter(pk__in=removed[start : start + BATCH])._raw_delete(Link.objects.db)

    changed = [
        Link(
            pk=have.pk,
            parent_id=pks[link.parent],
            end=link.end,
            source=link.source,
            start_exact=link.start_exact,
            end_exact=link.end_exact,
        )
        for have, link in plan.changed_links
    ]
    Link.objects.bulk_update(changed, LINK_FIELDS, batch_size=BATCH)
    history.copy_to_history(Link, [link.pk for link in changed], history_type="~", when=now, reason=reason)

    created = insert_rows(
        Link,
        [
            {
                "child_id": pks[link.child],
                "parent_id": pks[link.parent],
                "relation": link.relation,
                "start": link.start,
                "end": link.end,
                "source": link.source,
                "start_exact": link.start_exact,
                "end_exact": link.end_exact,
            }
            for link in plan.new_links
        ],
    )
    history.copy_to_history(Link, created, history_type="+", when=now, reason=reason)


def write_names(plan: Plan, pks: dict[str, int]) -> None:
    """Remove, change and create the dated names."""
    OrganisationName.objects.filter(pk__in=plan.removed_names).delete()
    for pk, name in plan.changed_names:
        OrganisationName.objects.filter(pk=pk).update(name=name.name, end=name.end, source=name.source)
    OrganisationName.objects.bulk_create(
        OrganisationName(
            organisation_id=pks[name.code], name=name.name, start=name.start, end=name.end, source=name.source
        )
        for name in plan.new_names
    )


def write_patients(plan: Plan) -> None:
    """Write the registered patient counts that changed; remove those of units no longer counted."""
    gone = [*plan.removed_patients, *plan.patients]
    for start in range(0, len(gone), BATCH):
        RegisteredPatients.objects.filter(code__in=gone[start : start + BATCH]).delete()
    RegisteredPatients.objects.bulk_create(
        (RegisteredPatients(code=code, **fields) for code, fields in plan.patients.items()), batch_size=BATCH
    )


def insert_rows(model: type, rows: list[dict]) -> list[int]:
    """Insert rows of ``model`` given as {attname: value} (other fields: their defaults); return their ids.

    Django's ``bulk_create`` builds a model instance per row (an MPTT node's is costly) and
    prepares it field by field through the query compiler: seconds for the six and a half
    thousand practices and fifteen thousand links of a first import. This prepares the
    values alone and sends one multi-row INSERT … RETURNING per batch (PostgreSQL, SQLite).
    """
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(quote(field.column) for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            params = [
                field.get_db_prep_save(row.get(field.attname, defaults[field.attname]), connection)
                for row in batch
                for field in fields
            ]
            values = ", ".join([row_marks] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}", params)  # noqa: S608
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def write_successions(plan: Plan, pks: dict[str, int]) -> None:
    """Remove, change and create the successions (they keep no history of their own: the file is their record)."""
    Succession.objects.filter(pk__in=plan.removed_successions).delete()
    Succession.objects.bulk_update(
        [
            Succession(pk=pk, date=succession.date, type=succession.type, source=succession.source)
            for pk, succession in plan.changed_successions
        ],
        ["date", "type", "source"],
    )
    Succession.objects.bulk_create(
        [
            Succession(
                predecessor_id=pks[succession.predecessor],
                successor_id=pks[succession.successor],
                date=succession.date,
                type=succession.type,
                source=succession.source,
            )
            for succession in plan.new_successions
        ]
    )


def refresh_planner_statistics() -> None:
    """ANALYZE the organisation and link tables on PostgreSQL after a bulk write.

    Until autovacuum gets to it, the planner still thinks the table is as small as before
    the import and joins through it by scanning it whole: paths measured 1.6 times slower
    on a freshly loaded England ×10 than once analysed.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Organisation, Link):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
