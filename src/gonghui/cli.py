"""The ``gonghui`` command.

``gonghui demo`` is the one-command start of a demo: it owns the embedded PostgreSQL, runs the
web server and the background worker as child processes, and on Ctrl-C or SIGTERM stops them and
then PostgreSQL. The other commands run one thing each, against ``DATABASE_URL`` or the embedded
server of the same home folder.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEMO_SETTINGS = "gonghui.config.settings.local"
PRODUCTION_SETTINGS = "gonghui.config.settings.production"
# The suite's own settings: the tests run real workers against their database.
TEST_SETTINGS = "gonghui.config.settings.test"
# Set by ``gonghui demo`` for the processes it starts: they may run on the demo's settings.
DEMO_CHILD = "GONGHUI_DEMO_CHILD"


def _setup_django(settings_module: str, home: str | None = None) -> None:
    if home:
        os.environ["GONGHUI_HOME"] = str(Path(home).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        # The settings' own checks say, in Chinese, what to set; no traceback for a clerk.
        raise SystemExit(f"无法启动：{exc}") from None


def _require_settings(command: str, allowed: tuple[str, ...]) -> None:
    """Refuse an inherited DJANGO_SETTINGS_MODULE that would run ``command`` on settings not
    meant for it (the demo's generated keys against a real server, say)."""
    inherited = os.environ.get("DJANGO_SETTINGS_MODULE")
    if inherited and inherited not in allowed:
        raise SystemExit(
            f"无法启动：环境变量 DJANGO_SETTINGS_MODULE={inherited} 不能用于 gonghui {command}"
            f"（只能是 {PRODUCTION_SETTINGS}）。请删除这个环境变量后再启动。"
        )


def _verify_key() -> None:
    """The key must be the one this installation's data was encrypted with."""
    from django.core.exceptions import ImproperlyConfigured

    from gonghui.core.services import installation_key_verify

    try:
        installation_key_verify()
    except ImproperlyConfigured as exc:
        raise SystemExit(f"无法启动：{exc}") from None


def _settings_for_default() -> str:
    # Without DATABASE_URL we are on the embedded server, which is a demo/dev installation.
    return PRODUCTION_SETTINGS if os.environ.get("GONGHUI_SECRET_KEY") else DEMO_SETTINGS


def _print(msg: str) -> None:
    print(msg, flush=True)


# -- demo --------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from gonghui.config.home import embedded_stop, home_dir

    home = home_dir(args.home)
    os.environ["GONGHUI_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = DEMO_SETTINGS
    stopping = {"signal": None}

    def on_signal(signum, _frame):
        stopping["signal"] = signum
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    children: list[_Child] = []
    try:
        _print(f"Gonghui 演示：数据目录 {home}")
        _print("正在启动内置 PostgreSQL …")
        _setup_django(DEMO_SETTINGS)  # starts the embedded PostgreSQL (config.home)
        from django.core.management import call_command

        _print("正在更新数据库结构 …")
        call_command("migrate", interactive=False, verbosity=0)
        _verify_key()
        from gonghui.demo.loader import ensure_demo

        created, accounts = ensure_demo(seed=args.seed, progress=_print)
        _print("已生成演示数据。" if created else "沿用已有的演示数据。")

        # DATABASE_URL now points at the embedded server's socket; the children may run on
        # the demo's settings.
        env = {**os.environ, DEMO_CHILD: "1"}
        exe = [sys.executable, "-m", "gonghui.cli"]
        children.append(
            _Child("网页服务", [*exe, "_web", "--host", args.host, "--port", str(args.port)], env)
        )
        if not args.no_worker:
            children.append(_Child("后台任务", [*exe, "worker"], env))
        for child in children:
            child.start()

        url = f"http://{args.host}:{args.port}/"
        _wait_for_http(url + "admin/login/", children, timeout=60)
        _print("")
        _print(f"Gonghui 已启动：{url}")
        _print("演示账号（密码均为 " + accounts["password"] + "）：")
        for username, description in accounts["logins"]:
            _print(f"  {username:<16} {description}")
        _print("按 Ctrl-C 停止。")
        _supervise(home, children)
    except KeyboardInterrupt:
        _print("正在停止 …")
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop_children([c.proc for c in children if c.proc is not None])
        embedded_stop(home)


class _Child:
    """A process the demo keeps running: started again, after a pause that grows with each
    quick failure, whenever it stops (a worker that lost the database, an out-of-memory kill)."""

    def __init__(self, name: str, argv: list[str], env: dict):
        self.name, self.argv, self.env = name, argv, env
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.pause = 1.0
        self.restart_at: float | None = None

    def start(self) -> None:
        # Our own interpreter and module, with arguments parsed as int/host above.
        self.proc = subprocess.Popen(self.argv, env=self.env)  # noqa: S603
        self.started = time.monotonic()
        self.restart_at = None

    def check(self) -> None:
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                _print(f"正在重新启动{self.name} …")
                self.start()
            return
        if self.proc is None or self.proc.poll() is None:
            return
        # Up for a minute: the next failure is a new one, not part of a crash loop.
        self.pause = 1.0 if now - self.started > 60 else min(self.pause * 2, 30.0)
        _print(
            f"{self.name}意外退出（返回码 {self.proc.returncode}），{self.pause:.0f} 秒后重新启动。"
        )
        self.restart_at = now + self.pause


def _supervise(home: Path, children: list[_Child]) -> None:
    """Until stopped: restart a child that died, and the embedded database if it died."""
    from gonghui.config.home import embedded_restart, embedded_running

    database_down_since: float | None = None
    last_check = 0.0
    while True:
        now = time.monotonic()
        if now - last_check >= 2:
            last_check = now
            if not embedded_running(home):
                if database_down_since is None:
                    database_down_since = now
                    _print("内置数据库已停止，正在重新启动 …")
                try:
                    embedded_restart(home)
                except Exception as exc:  # tried again two seconds later
                    _print(f"内置数据库暂时无法启动（{type(exc).__name__}），稍后重试。")
                else:
                    _print("内置数据库已恢复。")
                    database_down_since = None
        for child in children:
            child.check()
        time.sleep(0.5)


def _wait_for_http(url: str, children, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.proc.poll() is not None for c in children):
            raise SystemExit("网页服务未能启动，请查看上面的错误信息。")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"网页服务在 {timeout:.0f} 秒内没有响应：{url}")


def _stop_children(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


# -- the single-purpose commands -------------------------------------------------------------


def cmd_web(args: argparse.Namespace) -> int:
    """The demo's web process (internal): the same server as production, on the embedded
    database."""
    _setup_django(DEMO_SETTINGS)
    return _serve(args.host, args.port, workers=args.workers, threads=args.threads)


def cmd_serve(args: argparse.Namespace) -> int:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit(
            "gonghui serve 用于生产环境，请先设置 DATABASE_URL；体验演示请用 gonghui demo。"
        )
    _require_settings("serve", (PRODUCTION_SETTINGS,))
    _setup_django(PRODUCTION_SETTINGS, args.home)
    _verify_key()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return _serve(args.host, args.port, workers=args.workers, threads=args.threads)


def default_workers() -> int:
    """One web process per core, at least two and at most eight: Python runs one request's code
    at a time in a process, so a single process serves everyone from one core (measured in
    bench/load.py); past eight, each process's threads hold database connections (8 × 4 = 32
    of PostgreSQL's default 100) and memory for an upload each, and more is a choice to make
    with ``--workers`` against the database's ``max_connections``."""
    return min(8, max(2, os.cpu_count() or 1))


def _serve(host: str, port: int, workers: int, threads: int) -> int:
    """gunicorn: a master process that forks ``workers`` processes sharing the listening
    socket, each answering ``threads`` requests at once (a request waits on the database about
    half its time). No access log: a URL's query may hold a name or an ID number. A body larger
    than the largest upload is refused before it is read by ``RequestSizeLimitMiddleware``, and
    uploads are read into memory only (``core.files.MemoryOnlyUploadHandler``): nothing of a
    request reaches the disk."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()
    # The checks at start opened a connection; forked workers must not share its socket.
    connections.close_all()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "threads": threads,
        "worker_class": "gthread",
        "proc_name": "gonghui",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",  # the demo's console says what a clerk needs, not each boot
        "graceful_timeout": 10,
        # Each answer closes its connection ("Connection: close"): a kept connection stays with
        # the process that accepted it, and under load one process then served most users
        # while the other idled (75% against 15% of a core). A new connection goes to whichever
        # process is free. (At gunicorn's 2 s keep-alive, clients also reused connections the
        # server was closing: 10 resets in a run.) Behind nginx, its connections to us are not
        # kept anyway.
        "keepalive": 0,
        "timeout": 120,
        # No control socket in the user's home: several installations (and test runs) share it.
        "control_socket_disable": True,
    }

    class _Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    _Server().run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if os.environ.get(DEMO_CHILD) == "1":
        settings_module = DEMO_SETTINGS
    elif os.environ.get("DATABASE_URL"):
        # A real server: the production settings and their checks, whatever is inherited.
        _require_settings("worker", (PRODUCTION_SETTINGS, TEST_SETTINGS))
        settings_module = PRODUCTION_SETTINGS
    else:
        settings_module = _settings_for_default()
    _setup_django(settings_module, args.home)
    _verify_key()
    from django.core.management import call_command

    from gonghui.core.imports.jobs import import_jobs_sweep, sweep_temp_files

    # What a worker that died before this one left: jobs that will never finish, and the
    # clear upload copies that versions before this one kept in the temporary folder.
    import_jobs_sweep()
    sweep_temp_files()
    call_command("procrastinate", "worker")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django(_settings_for_default(), args.home)
    from django.core.management import call_command

    call_command("migrate", interactive=False)
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup_django(_settings_for_default(), args.home)
    from gonghui.accounts.bootstrap import create_first_admin

    password = os.environ.get("GONGHUI_ADMIN_PASSWORD") or getpass.getpass("密码：")
    user = create_first_admin(
        username=args.username,
        password=password,
        org_code=args.org,
        org_name=args.org_name,
        region_code=args.region_code or "",
    )
    _print(f"已创建平台管理员 {user.username}（{user.org.name}）。")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file synchronously, in this process (no worker), as the platform itself."""
    _setup_django(_settings_for_default(), args.home)
    _verify_key()
    import json

    from django.core.exceptions import ValidationError
    from django.utils import translation

    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.core.imports.jobs import describe, spec_for
    from gonghui.core.imports.workbook import problems_workbook
    from gonghui.core.workareas import import_kinds
    from gonghui.orgs.models import Org

    translation.activate(os.environ.get("GONGHUI_LANGUAGE", "zh-hans"))
    path = Path(args.file)
    if not path.is_file():
        _fail(args, f"找不到文件：{path}")
        return 2
    try:
        spec = spec_for(args.kind)
    except ValidationError:
        known = "、".join(f"{k.kind}（{k.help}）" for k in import_kinds().values())
        _fail(args, f"没有这种导入：{args.kind}。可用的有：{known}。")
        return 2
    unknown = sorted(set(args.options) - set(spec.cli_options))
    if unknown:
        _fail(args, "这种导入没有这些选项：" + "、".join(f"--{k}" for k in unknown))
        return 2
    options = {"file_name": path.name, **args.options}
    try:
        args.org = args.org or spec.command_line(options)
    except ValueError as exc:
        _fail(args, str(exc))
        return 2
    if not args.org:
        _fail(args, "请用 --org 指定导入到哪个组织（组织代码）。")
        return 2
    org = Org.objects.filter(code=args.org).first()
    if org is None:
        _fail(args, f"没有代码为 {args.org} 的组织。")
        return 2
    mode = Mode.VALIDATE if args.dry_run else Mode.PARTIAL if args.partial else Mode.ALL_OR_NOTHING

    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r已读取 {done}/{total} 行", end="", file=sys.stderr, flush=True)

    outcome = run_import(
        spec,
        path,
        actor=None,
        org=org,
        mode=mode,
        file_name=path.name,
        options=options,
        progress=progress,
    )
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    if args.errors and not outcome.fatal:
        workbook = problems_workbook(path, path.name, outcome)
        if workbook is not None:
            Path(args.errors).write_bytes(workbook)
    if args.json:
        payload = {**outcome.counts(), "written": outcome.written}
        if outcome.fatal:
            payload["error"] = outcome.fatal
        print(json.dumps(payload, ensure_ascii=False))
    else:
        _print(describe(outcome, mode, spec))
        for problem in outcome.problems[:50]:
            column = f" {problem.column}" if problem.column else ""
            _print(f"  第{problem.row}行{column}：{problem.message}")
        if len(outcome.problems) > 50:
            _print(f"  …… 共 {len(outcome.problems)} 条问题")
        if args.errors and (outcome.problems or outcome.repairs):
            _print(f"需修改的行已写入 {args.errors}")
    return 1 if outcome.fatal or outcome.rejected else 0


def _fail(args, message: str) -> None:
    if getattr(args, "json", False):
        import json

        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)


def _period(args):
    import datetime

    try:
        return datetime.date.fromisoformat(args.date_from), datetime.date.fromisoformat(
            args.date_to
        )
    except ValueError:
        raise SystemExit("日期请写成 2026-01-01 的格式。") from None


def _report_org(code: str):
    from gonghui.orgs.models import Org

    org = Org.objects.filter(code=code).first()
    if org is None:
        raise SystemExit(f"没有代码为 {code} 的组织。")
    return org


def cmd_indicators(args: argparse.Namespace) -> int:
    """Every indicator of an org's subtree over a period (for scripts that check reports)."""
    _setup_django(_settings_for_default(), args.home)
    import json

    from django.utils import translation

    from gonghui.reports.selectors import figures

    translation.activate("zh-hans")
    start, end = _period(args)
    org = _report_org(args.org)
    rows = figures(None, org, start, end, previous=not args.json)
    if args.json:
        print(
            json.dumps(
                {
                    "org": org.code,
                    "from": str(start),
                    "to": str(end),
                    "indicators": [
                        {k: v for k, v in f.as_dict().items() if k != "previous"} for f in rows
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for f in rows:
            _print(f"{f.key:<40} {f.name}：{f.value}{f.unit}（上年同期 {f.previous}{f.unit}）")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _setup_django(_settings_for_default(), args.home)
    from django.utils import translation

    from gonghui.reports.exports import statistics_table_xlsx
    from gonghui.reports.registry import all_indicators
    from gonghui.reports.selectors import statistics_table

    translation.activate("zh-hans")
    start, end = _period(args)
    org = _report_org(args.org)
    if args.what == "summary":
        from gonghui.reports.exports import work_report_docx
        from gonghui.reports.summary import work_report

        report = work_report(None, org, start, end)
        if args.output.endswith(".md"):
            Path(args.output).write_text(report.markdown(), encoding="utf-8")
        else:
            Path(args.output).write_bytes(work_report_docx(report))
        _print(f"已写入 {args.output}：{len(report.sections)} 个部分，{len(report.used)} 个数字。")
        return 0
    keys = [k.strip() for k in args.indicators.split(",") if k.strip()] if args.indicators else None
    unknown = [k for k in keys or [] if k not in all_indicators()]
    if unknown:
        raise SystemExit("没有这些指标：" + "，".join(unknown) + "（用 gonghui indicators 查看）")
    table = statistics_table(None, org, start, end, keys)
    Path(args.output).write_bytes(statistics_table_xlsx(table))
    _print(f"已写入 {args.output}：{len(table.rows)} 行，{len(table.columns)} 个指标。")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django(_settings_for_default(), args.home)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gonghui manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gonghui", description="Gonghui 工会工作平台")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_home(p):
        p.add_argument("--home", help="数据目录（默认 $GONGHUI_HOME 或 ~/.gonghui）")
        return p

    demo = with_home(sub.add_parser("demo", help="用内置数据库和演示数据启动平台"))
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--seed", type=int, default=2025, help="演示数据的随机种子")
    demo.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
    demo.set_defaults(func=cmd_demo)

    web = sub.add_parser("_web", help=argparse.SUPPRESS)
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8000)
    web.add_argument("--workers", type=int, default=2)  # a clerk's laptop: two are enough
    web.add_argument("--threads", type=int, default=4)
    web.set_defaults(func=cmd_web)

    serve = with_home(sub.add_parser("serve", help="生产环境启动（需要 DATABASE_URL）"))
    # This machine only, by default: the HTTPS proxy in front (nginx) terminates TLS, buffers
    # each request whole and times slow clients out, which gunicorn's threads do not; a proxy
    # on another machine is given --host 0.0.0.0.
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=0, help="网页进程数（默认每个 CPU 核一个，至少 2 个）"
    )
    serve.add_argument("--threads", type=int, default=4, help="每个网页进程同时处理的请求数")
    serve.set_defaults(func=cmd_serve)

    with_home(sub.add_parser("worker", help="启动后台任务进程")).set_defaults(func=cmd_worker)
    with_home(sub.add_parser("migrate", help="更新数据库结构")).set_defaults(func=cmd_migrate)

    admin = with_home(
        sub.add_parser("createadmin", help="创建平台管理员（首次安装时也创建顶级组织）")
    )
    admin.add_argument("--username", required=True)
    admin.add_argument("--org", required=True, help="所属组织代码")
    admin.add_argument("--org-name", help="组织不存在时，以此名称新建顶级组织（县/市总工会）")
    admin.add_argument("--region-code", help="新建顶级组织的行政区划代码")
    admin.set_defaults(func=cmd_createadmin)

    importer = with_home(
        sub.add_parser(
            "import",
            help="从 Excel/CSV 文件导入",
            description="导入的种类由已安装的业务模块提供（会员名册 members、帮扶发放名单 grants、"
            "工作台账 ledger ……）；某些种类另有选项，例如 grants 的 --campaign 项目代码。",
        )
    )
    importer.add_argument("kind", help="导入的种类，例如 members、grants、ledger")
    importer.add_argument("file", help="xlsx、xls 或 csv 文件")
    importer.add_argument("--org", help="导入到哪个组织之下（组织代码）；某些种类有默认值")
    importer.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    importer.add_argument("--partial", action="store_true", help="导入正确的行，跳过有错的行")
    importer.add_argument("--errors", metavar="OUT.xlsx", help="把需修改的行写入此文件")
    importer.add_argument("--json", action="store_true", help="以一个 JSON 对象输出计数")
    importer.set_defaults(func=cmd_import)

    indicators = with_home(sub.add_parser("indicators", help="列出某组织某期间的全部指标"))
    indicators.add_argument("--org", required=True, help="组织代码")
    indicators.add_argument("--from", dest="date_from", required=True, help="开始日期")
    indicators.add_argument("--to", dest="date_to", required=True, help="结束日期")
    indicators.add_argument("--json", action="store_true", help="以 JSON 输出")
    indicators.set_defaults(func=cmd_indicators)

    report = with_home(sub.add_parser("report", help="统计报表"))
    report.add_argument(
        "what",
        choices=["table", "summary"],
        help="table：按下级组织分行的统计表；summary：年度工作总结（.docx 或 .md）",
    )
    report.add_argument("--org", required=True, help="组织代码")
    report.add_argument("--from", dest="date_from", required=True, help="开始日期")
    report.add_argument("--to", dest="date_to", required=True, help="结束日期")
    report.add_argument("--indicators", help="指标代码，以逗号分隔（默认全部）")
    report.add_argument("-o", "--output", required=True, help="输出文件（.xlsx、.docx 或 .md）")
    report.set_defaults(func=cmd_report)

    manage = with_home(sub.add_parser("manage", help="Django 管理命令"))
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "import":
        # A kind's own options (--campaign CODE) are the spec's to check, so that a new kind
        # of import needs no change here.
        args.options = _options(parser, extra)
    elif extra:
        parser.error("无法识别的参数：" + " ".join(extra))
    if getattr(args, "home", None):
        os.environ["GONGHUI_HOME"] = str(Path(args.home).expanduser().resolve())
    return args.func(args) or 0


def _options(parser, extra: list[str]) -> dict[str, str]:
    options, words = {}, list(extra)
    while words:
        flag = words.pop(0)
        if not flag.startswith("--") or not words:
            parser.error("选项要写成 --名称 值：" + flag)
        options[flag[2:].replace("-", "_")] = words.pop(0)
    return options


if __name__ == "__main__":
    sys.exit(main())
