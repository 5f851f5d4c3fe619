"""The rights section of the work report, in the seeds' words: "签订集体合同90份，覆盖企业183户、
职工4972人；签订女职工专项集体合同23份，覆盖企业61家、女职工450人", the coverage of the
contracts in force with the signing rates ("女职工专项集体合同签订率达100%"), the mediation of
labour disputes ("诉调对接调解劳动争议23件，为职工挽回经济损失X万元"), the workers' congresses
and open management ("全市234家企业召开职工代表大会"), legal aid ("提供法律援助12件，受益职工
30人"), then the area's other figures (the ledger's 普法)."""

from __future__ import annotations

import datetime

HEADING = "依法维护职工合法权益"


def section(w, org, start: datetime.date, end: datetime.date):
    paragraphs = []
    if w.get("rights.contracts"):
        text = f"签订集体合同{w.n('rights.contracts')}"
        covered = [
            f"企业{w.n('rights.contracts.employers')}"
            if w.get("rights.contracts.employers")
            else "",
            f"职工{w.n('rights.contracts.workers')}" if w.get("rights.contracts.workers") else "",
        ]
        covered = [c for c in covered if c]
        if covered:
            text += "，覆盖" + "、".join(covered)
        if w.get("rights.contracts.wage"):
            text += f"，其中工资专项集体合同{w.n('rights.contracts.wage')}"
        if w.get("rights.contracts.women"):
            text += f"；签订女职工专项集体合同{w.n('rights.contracts.women')}"
            women = [
                f"企业{w.n('rights.contracts.women.employers', '家')}"
                if w.get("rights.contracts.women.employers")
                else "",
                f"女职工{w.n('rights.contracts.women.workers')}"
                if w.get("rights.contracts.women.workers")
                else "",
            ]
            women = [c for c in women if c]
            if women:
                text += "，覆盖" + "、".join(women)
        paragraphs.append(text + "。")
    if w.get("rights.employers.covered"):
        text = f"有效集体合同覆盖已建会企业{w.n('rights.employers.covered', '家')}"
        if w.get("rights.employers.covered.women"):
            text += f"，其中女职工专项集体合同覆盖{w.n('rights.employers.covered.women', '家')}"
        paragraphs.append(text + "。")
    if w.get("rights.congresses.held") or w.get("rights.congresses"):
        said = []
        if w.get("rights.congresses"):
            said.append(f"建立职工代表大会（职工大会）制度的单位{w.n('rights.congresses')}")
        if w.get("rights.congresses.held"):
            said.append(f"指导{w.n('rights.congresses.held')}单位召开职工代表大会")
        if w.get("rights.open_management"):
            said.append(f"推动{w.n('rights.open_management')}单位实行厂务公开")
        text = "推进企业民主管理，" + "，".join(said)
        if w.get("rights.congresses.overdue"):
            text += f"；仍有{w.n('rights.congresses.overdue')}单位本年度尚未召开职代会"
        paragraphs.append(text + "。")
    if w.get("rights.cases"):
        text = f"深化“法院+工会”诉调对接，调解劳动争议{w.n('rights.cases')}"
        if w.get("rights.cases.court"):
            text += f"，其中法院委派{w.n('rights.cases.court')}"
        if w.get("rights.cases.settled"):
            text += f"；调解成功{w.n('rights.cases.settled')}"
        if w.get("rights.cases.recovered"):
            text += f"，为职工挽回经济损失{w.n('rights.cases.recovered')}"
        paragraphs.append(text + "。")
    if w.get("rights.legal_aid"):
        text = f"为职工提供法律援助{w.n('rights.legal_aid')}"
        if w.get("rights.legal_aid.workers"):
            text += f"，受益职工{w.n('rights.legal_aid.workers')}"
        if w.get("rights.legal_aid.recovered"):
            text += f"，挽回经济损失{w.n('rights.legal_aid.recovered')}"
        paragraphs.append(text + "。")
    if w.get("rights.calls"):
        text = f"受理12351职工服务热线来电{w.n('rights.calls')}"
        if w.get("rights.calls.taken_on"):
            text += f"，其中转入调解或法律援助{w.n('rights.calls.taken_on')}"
        paragraphs.append(text + "。")
    rest = w.rest_of_area("rights", "此外，" if paragraphs else "")
    if rest:
        paragraphs.append(rest)
    return (HEADING, paragraphs) if paragraphs else None
