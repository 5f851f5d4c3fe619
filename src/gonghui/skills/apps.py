from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    FEDERATION_STAFF,
    GRASSROOTS_CLERK,
    PLATFORM_ADMIN,
    TOWNSHIP_STAFF,
    DemoPart,
    ImportKind,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)

ALL = (
    crud("skills.competition", "view", "add", "change", "delete")
    | crud("skills.competitionentry", "view", "add", "change", "delete")
    | crud("skills.trainingcourse", "view", "add", "change", "delete")
    | crud("skills.trainingsession", "view", "add", "change", "delete")
    | crud("skills.trainee", "view", "add", "change", "delete")
    | crud("skills.innovation", "view", "add", "change", "delete")
)


class SkillsConfig(workareas.WorkAreaApp):
    name = "gonghui.skills"
    verbose_name = _("Skills")

    work_area = WorkArea.SKILLS
    indicators = "gonghui.skills.indicators.INDICATORS"
    report_section = "gonghui.skills.report.section"
    imports = (ImportKind("trainees", "gonghui.skills.imports.TraineeRosterSpec", "培训学员名册"),)
    demo = (DemoPart(_("Skills"), "gonghui.skills.demo.build", 65),)
    # Competitions, training and innovation results are records of their own now; the
    # ledger's counters stay for the past.
    supersedes = ("skills.competition", "skills.training", "skills.innovation")
    menu = (
        MenuItem(
            _("Competitions"),
            "emoji_events",
            "admin:skills_competition_changelist",
            "skills.view_competition",
        ),
        MenuItem(
            _("Competition entries"),
            "military_tech",
            "admin:skills_competitionentry_changelist",
            "skills.view_competitionentry",
        ),
        MenuItem(
            _("Training courses"),
            "school",
            "admin:skills_trainingcourse_changelist",
            "skills.view_trainingcourse",
        ),
        MenuItem(
            _("Training sessions"),
            "event_note",
            "admin:skills_trainingsession_changelist",
            "skills.view_trainingsession",
        ),
        MenuItem(
            _("Trainees"),
            "badge",
            "admin:skills_trainee_changelist",
            "skills.view_trainee",
        ),
        MenuItem(
            _("Innovation results"),
            "lightbulb",
            "admin:skills_innovation_changelist",
            "skills.view_innovation",
        ),
    )
    todos = (
        Todo(
            "competitions.start",
            _("Competitions due to start"),
            "gonghui.skills.selectors.competitions_waiting",
            "admin:skills_competition_changelist",
            "skills.change_competition",
            order=10,
        ),
        Todo(
            "competitions.results",
            _("Competitions ended without published results"),
            "gonghui.skills.selectors.competitions_waiting",
            "admin:skills_competition_changelist",
            "skills.change_competition",
            order=20,
        ),
        Todo(
            "sessions.roster",
            _("Training sessions ended with nobody counted"),
            "gonghui.skills.selectors.sessions_waiting",
            "admin:skills_trainingsession_changelist",
            "skills.change_trainingsession",
            order=30,
        ),
    )
    actions = (
        MenuItem(
            _("Record a competition"),
            "emoji_events",
            "admin:skills_competition_add",
            "skills.add_competition",
        ),
    )
    # Every union runs its own competitions and courses; a federation follows its subtree's.
    grants = {
        PLATFORM_ADMIN: ALL,
        FEDERATION_STAFF: ALL,
        TOWNSHIP_STAFF: ALL,
        GRASSROOTS_CLERK: ALL,
    }
