"""The onboarding step catalogue: pure data, shared by the pages, the store and the diagnosis.

The first five steps happen in Sage Intacct and are confirmed by the user ticking checklist items;
the last four are done by actions in this app (connect, sync, map, approve), so they have no checklist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Routable's Web Services sender ID, and the sandbox's. The deployed value comes from the platform
# settings (onboarding.platform), so guidance shows the configured one; customers must authorize it
# exactly (it is case-sensitive).
SENDER_ID = "RoutableMPP"


class StepKey:
    START = "start"
    PLAN = "plan"
    IDS = "ids"
    WEB_SERVICES = "web_services"
    WS_USER = "ws_user"
    CONNECT = "connect"
    SYNC = "sync"
    MAP = "map"
    REVIEW = "review"


class SecurityModel:
    """How an Intacct company grants permissions; the Web Services user step differs between them."""

    ROLE = "role"
    USER = "user"


SECURITY_MODELS: dict[str, str] = {
    SecurityModel.ROLE: "Role-based permissions",
    SecurityModel.USER: "User-based permissions",
}

SECURITY_MODEL_HINT = (
    "Not sure which one your company uses? Open any user in Intacct: if the user has a Roles tab "
    "or a role picker, your company is role-based. If you instead see a list of applications with "
    "permissions per user, it is user-based."
)

# Menu paths in Intacct, kept in one place so the guidance, the checklist, the form messages and the
# diagnosis all write them the same way. They use the names the customer's Intacct shows and Routable's
# help article uses; where newer Intacct menus put the item elsewhere, NEWER_MENUS gives that path too.
MENU_COMPANY_INFO = "Company › Setup › Company Information"
MENU_ENTITIES = "Company › Setup › Entities"
MENU_SUBSCRIPTIONS = "Company › Subscriptions › Subscribe & configure applications"
MENU_WS_AUTHORIZATIONS = (
    "Company › Setup › Company Information › Edit › Security › Web Services authorizations"
)
MENU_WS_USERS = "Company › Web Services Users"
MENU_ROLES = "Company › Roles"

NEWER_MENUS: dict[str, str] = {
    MENU_COMPANY_INFO: "Company › Setup › Company",
    MENU_SUBSCRIPTIONS: "Company › Admin › Subscriptions",
    MENU_WS_USERS: "Company › Admin › Web Services users",
    MENU_ROLES: "Company › Admin › Roles",
}


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    help: str
    # Only one of the two security models needs this item (see SecurityModel); None means everyone.
    branch: str | None = None
    menu_path: str | None = None


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    page_file: str
    icon: str
    summary: str
    checklist: list[ChecklistItem] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    menu_path: str | None = None
    # The sidebar line also carries the step's state; a long title would push the state out of view.
    short_title: str = ""

    @property
    def nav_title(self) -> str:
        return self.short_title or self.title

    @property
    def tickable(self) -> bool:
        return bool(self.checklist)

    def item(self, item_key: str) -> ChecklistItem:
        for candidate in self.checklist:
            if candidate.key == item_key:
                return candidate
        raise KeyError(f"step {self.key!r} has no checklist item {item_key!r}")

    def items_for(self, security_model: str | None) -> list[ChecklistItem]:
        """The items a user with this security model sees (all of them while the model is unknown)."""
        if security_model is None:
            return list(self.checklist)
        return [i for i in self.checklist if i.branch in (None, security_model)]

    def is_complete(self, checked: set[str] | frozenset[str], security_model: str | None = None) -> bool:
        """True when every item that applies is ticked.

        While the security model is unknown, ticking all items of either branch is enough: the user
        only follows one of the two paths in Intacct.
        """
        if not self.checklist:
            return False
        common = [i.key for i in self.checklist if i.branch is None]
        if not all(k in checked for k in common):
            return False
        branches = {i.branch for i in self.checklist if i.branch is not None}
        if not branches:
            return True
        if security_model in branches:
            branches = {security_model}
        return any(all(i.key in checked for i in self.checklist if i.branch == branch) for branch in branches)


def _page(key: str) -> str:
    return f"pages/{key}.py"


STEPS: list[Step] = [
    Step(
        key=StepKey.START,
        title="Before you start",
        page_file=_page(StepKey.START),
        icon=":material/flag:",
        summary="Make sure the right people and access are in place before touching Intacct.",
        checklist=[
            ChecklistItem(
                "routable_admin",
                "I am an administrator of our Routable account",
                "Only Routable administrators can connect an accounting system.",
            ),
            ChecklistItem(
                "intacct_admin",
                "I, or a colleague working with me, have full admin rights in Sage Intacct",
                "Creating a Web Services user and authorizing a sender ID need an Intacct administrator "
                "whose own permissions include user and security setup.",
            ),
            ChecklistItem(
                "two_tabs",
                "Routable and Sage Intacct are open in two browser tabs",
                "You will copy values from Intacct into this app, so keep both within reach.",
            ),
            ChecklistItem(
                "time_set_aside",
                "I have set aside about 15 minutes",
                "Most companies finish in a quarter of an hour; the first sync takes longer when the "
                "company has a lot of data.",
            ),
        ],
    ),
    Step(
        key=StepKey.PLAN,
        title="Plan your connection",
        page_file=_page(StepKey.PLAN),
        icon=":material/route:",
        summary="Decide whether Routable connects at the top level of Intacct or to one entity.",
        prerequisites=[StepKey.START],
        checklist=[
            ChecklistItem(
                "talked_to_manager",
                "I went through the options with our Routable implementation manager",
                "Your implementation manager knows how other customers with a similar set-up connected.",
            ),
            ChecklistItem(
                "bills_level",
                "We chose where bills and bill payments sync: top level or one entity",
                "At entity level, location coding on bills is limited to that entity and its locations.",
            ),
            ChecklistItem(
                "vendors_level",
                "We chose where vendors sync (top level is recommended)",
                "Vendors kept at top level are shared by every entity, which avoids duplicates.",
            ),
        ],
    ),
    Step(
        key=StepKey.IDS,
        title="Find your Company ID and Entity ID",
        page_file=_page(StepKey.IDS),
        icon=":material/badge:",
        summary="Note the two identifiers this app needs to find your company in Intacct.",
        short_title="Company ID and Entity ID",
        prerequisites=[StepKey.PLAN],
        menu_path=MENU_COMPANY_INFO,
        checklist=[
            ChecklistItem(
                "company_id",
                "I copied our Company ID",
                "It is the ID field in the General Information section of the company information page. "
                "Copy it exactly, without spaces before or after it.",
                menu_path=MENU_COMPANY_INFO,
            ),
            ChecklistItem(
                "entity_id",
                "I copied the Entity ID, or we connect at top level and need none",
                "Only needed when you connect to a single entity. The entity list shows each entity's ID. "
                "Companies with one entity never need it.",
                menu_path=MENU_ENTITIES,
            ),
        ],
    ),
    Step(
        key=StepKey.WEB_SERVICES,
        title="Turn on Web Services and authorize our sender ID",
        page_file=_page(StepKey.WEB_SERVICES),
        icon=":material/vpn_key:",
        summary="Let Routable talk to your company through Web Services, under our sender ID.",
        short_title="Web Services and sender ID",
        prerequisites=[StepKey.START],
        menu_path=MENU_WS_AUTHORIZATIONS,
        checklist=[
            ChecklistItem(
                "subscription",
                "The Web Services subscription is turned on",
                "Look for Web Services among the subscribed applications and subscribe if it is off.",
                menu_path=MENU_SUBSCRIPTIONS,
            ),
            ChecklistItem(
                "sender_added",
                "I added our sender ID to the Web Services authorizations",
                "Edit the company information, open the Security tab and add our sender ID (shown above, "
                "with a copy button) to the Web Services authorizations list. Sender IDs are case-sensitive: "
                "paste it rather than typing it.",
                menu_path=MENU_WS_AUTHORIZATIONS,
            ),
            ChecklistItem(
                "sender_active",
                "Its status is Active and it does not ask for a separate API login",
                "An inactive authorization, or one that demands its own login for API calls, makes every "
                "connection attempt fail.",
                menu_path=MENU_WS_AUTHORIZATIONS,
            ),
        ],
    ),
    Step(
        key=StepKey.WS_USER,
        title="Create the Web Services user",
        page_file=_page(StepKey.WS_USER),
        icon=":material/person_add:",
        summary="Create the dedicated user Routable signs in as, and give it read access to what we sync.",
        short_title="Web Services user",
        prerequisites=[StepKey.START],
        menu_path=MENU_WS_USERS,
        checklist=[
            ChecklistItem(
                "user_created",
                "I created a Web Services user (we suggest the user ID Routable)",
                "A Web Services user can only be used through the API, never to sign in to the Intacct "
                "screens, which keeps the connection separate from people's accounts.",
                menu_path=MENU_WS_USERS,
            ),
            ChecklistItem(
                "user_settings",
                "User type is Business User and Admin privileges is Full",
                "Fill in last name, first name and an email address too; Intacct requires them.",
                menu_path=MENU_WS_USERS,
            ),
            ChecklistItem(
                "entity_access",
                "The user can reach the level we connect at",
                "For a top-level connection leave the user unrestricted by entity. For an entity-level "
                "connection give it access to that entity.",
                menu_path=MENU_WS_USERS,
            ),
            ChecklistItem(
                "role_assigned",
                "I assigned the user a role that can list and view the data Routable reads",
                "Role-based companies: pick an existing full-access role, or a role that has at least the "
                "List and View permissions this app checks when you connect.",
                branch=SecurityModel.ROLE,
                menu_path=MENU_ROLES,
            ),
            ChecklistItem(
                "permissions_assigned",
                "I gave the user List and View permissions on the applications Routable reads",
                "User-based companies: set the permissions on the user itself, application by application "
                "(General Ledger, Accounts Payable, Company, and Projects if you use it).",
                branch=SecurityModel.USER,
                menu_path=MENU_WS_USERS,
            ),
            ChecklistItem(
                "password_kept",
                "I saved the user's password somewhere safe",
                "You will type it once on the Connect step; Routable stores it encrypted.",
            ),
        ],
    ),
    Step(
        key=StepKey.CONNECT,
        title="Connect",
        page_file=_page(StepKey.CONNECT),
        icon=":material/link:",
        summary="Enter the IDs and the Web Services user; we sign in live and check each permission.",
        prerequisites=[StepKey.IDS, StepKey.WEB_SERVICES, StepKey.WS_USER],
    ),
    Step(
        key=StepKey.SYNC,
        title="Sync",
        page_file=_page(StepKey.SYNC),
        icon=":material/sync:",
        summary="Copy your chart of accounts, vendors and dimensions from Intacct into Routable.",
        prerequisites=[StepKey.CONNECT],
    ),
    Step(
        key=StepKey.MAP,
        title="Map accounts",
        page_file=_page(StepKey.MAP),
        icon=":material/account_tree:",
        summary="Match each GL account to the Routable category it should be coded to.",
        prerequisites=[StepKey.SYNC],
    ),
    Step(
        key=StepKey.REVIEW,
        title="Review & approve",
        page_file=_page(StepKey.REVIEW),
        icon=":material/verified:",
        summary="A finance lead checks the category chosen for each GL account and approves the mapping; "
        "Routable codes bills with it only after that approval.",
        prerequisites=[StepKey.MAP],
    ),
]

STEP_KEYS: list[str] = [s.key for s in STEPS]
TICKABLE_STEPS: list[str] = [s.key for s in STEPS if s.tickable]

_BY_KEY = {s.key: s for s in STEPS}


def step(key: str) -> Step:
    """The step with this key; KeyError for an unknown key (a programming error, not user input)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown onboarding step {key!r}") from None
