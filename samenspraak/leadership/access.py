"""Who sees the leadership view: the school's leaders and administrators.

| who                                        | may                                            |
|--------------------------------------------|------------------------------------------------|
| admin, school leader, team leader (active) | the school's leadership view: aggregates only |
| anyone else                                | the same 404 as for a school that is not there |

Team leaders see the whole school: a membership does not say which groups a team leader
leads, and schools.access already lets them see every group (VIEW_ALL_GROUPS). The view
holds *school* data only (titles, dates, counts, suppressed aggregates); no role reads
private or anonymous content through it.
"""

from samenspraak.accounts.models import User
from samenspraak.schools.access import holds_any, membership_in
from samenspraak.schools.models import Membership, Role

LEADERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.TEAM_LEADER})


def leads(membership: Membership | None) -> bool:
    return holds_any(membership, LEADERS)


def leader_membership(user: User, school_id: int) -> Membership | None:
    membership = membership_in(user, school_id)
    return membership if leads(membership) else None
