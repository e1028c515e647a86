from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from samenspraak.planning.cadence import Cadence, cadence_dates, plan_change

AMS = ZoneInfo("Europe/Amsterdam")


def test_every_six_weeks_on_tuesday():
    cadence = Cadence(date(2026, 9, 1), date(2027, 1, 31), time(15, 30), every_weeks=6, weekday=1)
    days = cadence_dates(cadence)
    assert days[0] == date(2026, 9, 1)  # 1 September 2026 is a Tuesday
    assert all(d.weekday() == 1 for d in days)
    assert all((b - a).days == 42 for a, b in zip(days, days[1:], strict=False))
    assert days[-1] <= date(2027, 1, 31)
    assert len(days) == 4


def test_first_session_is_the_first_matching_weekday():
    cadence = Cadence(date(2026, 9, 3), date(2026, 12, 31), time(9), every_weeks=2, weekday=0)
    assert cadence_dates(cadence)[0] == date(2026, 9, 7)


def test_a_list_of_dates_is_sorted_and_kept_inside_the_period():
    cadence = Cadence(
        date(2026, 9, 1),
        date(2026, 12, 31),
        time(9),
        dates=(date(2026, 11, 3), date(2026, 9, 15), date(2027, 2, 1), date(2026, 9, 15)),
    )
    assert cadence_dates(cadence) == [date(2026, 9, 15), date(2026, 11, 3)]


CHRISTMAS = (date(2026, 12, 19), date(2027, 1, 3))  # Saturday to Sunday, two weeks
AUTUMN = (date(2026, 10, 17), date(2026, 10, 25))


def test_a_session_in_a_holiday_moves_to_the_week_after_and_the_rhythm_stays():
    every_four = Cadence(
        date(2026, 10, 1), date(2027, 3, 1), time(15), every_weeks=4, weekday=3,
        holidays=(CHRISTMAS, AUTUMN),
    )  # fmt: skip
    assert cadence_dates(every_four) == [
        date(2026, 10, 1),
        date(2026, 10, 29),  # not in the autumn holiday: stays
        date(2026, 11, 26),
        date(2027, 1, 7),  # 24 December is in the Christmas holiday: the Thursday after it
        date(2027, 1, 21),
        date(2027, 2, 18),
    ]


def test_a_moved_session_that_would_meet_the_next_one_is_left_out():
    weekly = Cadence(
        date(2026, 12, 7), date(2027, 1, 20), time(15), every_weeks=1, weekday=0,
        holidays=(CHRISTMAS,),
    )  # fmt: skip
    # 21 and 28 December fall in the holiday; moved, both would land on 4 January.
    assert cadence_dates(weekly) == [
        date(2026, 12, 7), date(2026, 12, 14), date(2027, 1, 4), date(2027, 1, 11),
        date(2027, 1, 18),
    ]  # fmt: skip
    short = Cadence(
        date(2026, 12, 1), date(2026, 12, 31), time(15), every_weeks=2, weekday=1,
        holidays=(CHRISTMAS,),
    )  # fmt: skip
    assert cadence_dates(short) == [date(2026, 12, 1), date(2026, 12, 15)]  # not past the end


def test_holidays_that_follow_each_other_are_both_passed():
    first = (date(2027, 2, 20), date(2027, 2, 28))
    second = (date(2027, 3, 1), date(2027, 3, 5))  # a study week straight after
    cadence = Cadence(
        date(2027, 2, 1), date(2027, 3, 20), time(15), every_weeks=3, weekday=2,
        holidays=(second, first),
    )  # fmt: skip
    # 24 February: in the holiday; 3 March: in the study week; so 10 March.
    assert cadence_dates(cadence) == [date(2027, 2, 3), date(2027, 3, 10), date(2027, 3, 17)]


def test_dates_chosen_one_by_one_stay_in_a_holiday():
    chosen = Cadence(
        date(2026, 12, 1), date(2027, 1, 31), time(9), dates=(date(2026, 12, 22),),
        holidays=(CHRISTMAS,),
    )  # fmt: skip
    assert cadence_dates(chosen) == [date(2026, 12, 22)]


def starts_at(*days):
    return [datetime(2026, 10, d, 15, 30, tzinfo=AMS) for d in days]


def test_plan_change_moves_adds_and_cancels_only_planned_future_sessions():
    now = datetime(2026, 10, 1, tzinfo=AMS)
    planned = [SimpleNamespace(starts_at=s) for s in starts_at(6, 20)]
    change = plan_change(
        planned=planned, kept_dates=set(), new_starts=starts_at(6, 13, 27), now=now
    )
    assert change.move == [(planned[1], starts_at(13)[0])]
    assert change.add == starts_at(27)
    assert change.cancel == []
    fewer = plan_change(planned=planned, kept_dates=set(), new_starts=starts_at(6), now=now)
    assert fewer.cancel == [planned[1]] and not fewer.move


def test_plan_change_never_puts_a_session_on_a_kept_date_or_in_the_past():
    now = datetime(2026, 10, 10, tzinfo=AMS)
    change = plan_change(
        planned=[], kept_dates={date(2026, 10, 13)}, new_starts=starts_at(6, 13, 20), now=now
    )
    assert change.add == starts_at(20)


def test_no_change_is_empty():
    now = datetime(2026, 10, 1, tzinfo=AMS)
    planned = [SimpleNamespace(starts_at=s) for s in starts_at(6)]
    assert plan_change(planned=planned, kept_dates=set(), new_starts=starts_at(6), now=now).empty
