"""The rule of routes (governance.domain.routes): when a system that does not say records its routes."""

from governance.domain import routes


def test_board_and_icp_alone_do_not_record_routes():
    bodies = [("qkm-board", "board"), ("qkm-icp", "icp"), ("91Q", "place"), ("G82001", "practice")]

    assert routes.recorded_by_default(bodies, "qkm-board", top_seat_represents=False) is False


def test_any_other_body_records_routes():
    bodies = [("qkm-board", "board"), ("qkm-icp", "icp"), ("qkm-primary-care", "committee")]

    assert routes.recorded_by_default(bodies, "qkm-board", top_seat_represents=False) is True


def test_a_top_board_seat_that_represents_an_organisation_records_routes():
    bodies = [("qkm-board", "board"), ("qkm-icp", "icp")]

    assert routes.recorded_by_default(bodies, "qkm-board", top_seat_represents=True) is True


def test_a_route_that_reaches_the_top_is_reaches_whatever_is_said():
    assert routes.route(reaches_top=True, recorded=False) == routes.REACHES
    assert routes.route(reaches_top=False, recorded=True) == routes.BROKEN
    assert routes.route(reaches_top=False, recorded=False) == routes.NOT_RECORDED


def test_the_file_values_read_back_as_written():
    assert {routes.file_value(value): value for value in (True, False)} == routes.FILE_VALUES
