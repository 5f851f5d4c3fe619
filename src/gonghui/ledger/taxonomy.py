"""The categories the platform starts with, for every work area: what the seeds report that no
dedicated module records yet. Administrators add their own; these are created by a migration.

Each category names its main unit, the one its figure is stated in ("宣讲16场",
"志愿服务500余人次").
"""

CATEGORIES = [
    # (work area, code, name, main unit field)
    ("organisation", "org.founding_drive", "建会入会集中行动", "sessions"),
    ("organisation", "org.legal_person", "工会法人资格登记", "items"),
    ("organisation", "org.standardisation", "基层工会规范化建设", "households"),
    ("members", "members.card", "会员服务卡发放", "people"),
    ("members", "members.ceremony", "集中入会仪式", "sessions"),
    ("funds", "funds.refund", "小微企业工会经费返还", "households"),
    ("funds", "funds.allocation", "经费下拨和补助", "households"),
    ("assistance", "aid.village", "挂包帮和乡村振兴", "households"),
    ("assistance", "aid.consumption", "消费帮扶", "households"),
    ("assistance", "aid.jobs_fair", "招聘会和就业援助", "sessions"),
    ("mutual_aid", "mutual.enrolment", "职工互助保障参保", "people"),
    ("mutual_aid", "mutual.payout", "互助保障理赔", "person_times"),
    ("honours", "honours.lecture", "劳模工匠宣讲", "sessions"),
    ("honours", "honours.recuperation", "劳模疗休养", "people"),
    ("honours", "honours.visit", "劳模慰问", "people"),
    ("skills", "skills.competition", "劳动和技能竞赛", "sessions"),
    ("skills", "skills.training", "职工技能培训", "people"),
    ("skills", "skills.innovation", "职工创新成果", "items"),
    ("rights", "rights.contract", "集体合同签订", "households"),
    ("rights", "rights.congress", "职工代表大会", "households"),
    ("rights", "rights.legal_aid", "法律援助", "items"),
    ("rights", "rights.law_education", "普法宣传", "sessions"),
    ("rights", "rights.mediation", "劳动争议调解", "items"),
    ("services", "services.childcare", "爱心托管班", "people"),
    ("services", "services.counselling", "心理咨询服务", "person_times"),
    ("services", "services.youth", "青年职工联谊", "sessions"),
    ("services", "services.offers", "普惠服务", "person_times"),
    ("culture", "culture.sports", "文体活动", "sessions"),
    ("culture", "culture.reading", "职工读书活动", "sessions"),
    ("culture", "culture.volunteer", "志愿服务", "person_times"),
    ("culture", "culture.publicity", "宣传报道", "items"),
    ("statistics", "statistics.research", "调查研究", "items"),
]
UNITS = {
    "people": "人",
    "person_times": "人次",
    "households": "户",
    "sessions": "场",
    "items": "件",
}

# How the work report says each figure, in the seeds' verbs ("{n}" is the figure with its
# unit): "推动89户单位签订集体合同" rather than "集体合同签订89户". A category added later
# without a phrase is written as its name and figure.
PHRASES = {
    "org.founding_drive": "开展建会入会集中行动{n}",
    "org.legal_person": "办理工会法人资格登记{n}",
    "org.standardisation": "推进{n}基层工会规范化建设",
    "members.card": "发放会员服务卡{n}",
    "members.ceremony": "举办集中入会仪式{n}",
    "funds.refund": "为{n}小微企业返还工会经费",
    "funds.allocation": "向{n}单位下拨和补助经费",
    "aid.village": "挂包帮和乡村振兴结对帮扶{n}",
    "aid.consumption": "开展消费帮扶{n}",
    "aid.jobs_fair": "举办招聘会和就业援助活动{n}",
    "mutual.enrolment": "组织职工互助保障参保{n}",
    "mutual.payout": "办理互助保障理赔{n}",
    "honours.lecture": "开展劳模工匠宣讲{n}",
    "honours.recuperation": "组织劳模疗休养{n}",
    "honours.visit": "慰问劳模{n}",
    "skills.competition": "举办劳动和技能竞赛{n}",
    "skills.training": "培训职工{n}",
    "skills.innovation": "形成职工创新成果{n}",
    "rights.contract": "推动{n}单位签订集体合同",
    "rights.congress": "指导{n}单位召开职工代表大会",
    "rights.legal_aid": "提供法律援助{n}",
    "rights.law_education": "开展普法宣传{n}",
    "rights.mediation": "调解劳动争议{n}",
    "services.childcare": "举办爱心托管班，服务职工子女{n}",
    "services.counselling": "提供心理咨询服务{n}",
    "services.youth": "举办青年职工联谊活动{n}",
    "services.offers": "提供普惠服务{n}",
    "culture.sports": "举办文体活动{n}",
    "culture.reading": "开展职工读书活动{n}",
    "culture.volunteer": "开展志愿服务{n}",
    "culture.publicity": "刊发宣传报道{n}",
    "statistics.research": "完成调查研究{n}",
}

# How the report says each category's figures, in the seeds' words (``LedgerCategory.wording``,
# seeded from here by a migration; administrators edit it). ``units``: the unit word of a count
# where it is not the default (件 → 份 for contracts, 场 → 期 for training); ``say``: the sentence
# parts in order, each a list of alternatives, the first whose figures are all non-zero being
# written ("{items}" is the items count with its unit, "{amount}" the funds and goods,
# "{entries}" how many entries, "{awards}" a further figure the entries carry); ``extra``:
# the further figures and their units; ``entries``: the unit word of the number of entries;
# ``unit_choices``: other words an entry may count a field in (集体合同: 覆盖企业183户 in one
# report, 签订集体合同226家 in another).
WORDING = {
    "org.founding_drive": {
        "units": {"households": "家"},
        "say": [["开展建会入会集中行动{sessions}"], ["新建工会{households}"], ["吸收会员{people}"]],
    },
    "org.legal_person": {"units": {"items": "个"}, "say": [["办理工会法人资格登记{items}"]]},
    "org.standardisation": {
        "units": {"households": "个"},
        "say": [["推进{households}基层工会规范化建设"]],
    },
    "members.card": {
        "units": {"items": "张"},
        "say": [["发放会员服务卡{people}", "发放会员服务卡{items}"]],
    },
    "members.ceremony": {"say": [["举办集中入会仪式{sessions}"], ["新会员{people}"]]},
    "funds.refund": {
        "units": {"households": "家"},
        "say": [
            [
                "为{households}小微企业返还工会经费{amount}",
                "返还工会经费{amount}",
                "为{households}小微企业返还工会经费",
            ]
        ],
    },
    "funds.allocation": {
        "units": {"households": "个"},
        "entries": "次",
        "say": [
            ["先后{entries}下拨和补助经费{amount}", "下拨和补助经费{amount}"],
            ["惠及基层工会{households}"],
        ],
    },
    "aid.village": {
        "extra": {"income": "元"},
        "say": [
            ["挂包帮和乡村振兴结对帮扶{households}"],
            ["投入帮扶资金{amount}"],
            ["实现收益{income}"],
        ],
    },
    "aid.consumption": {"say": [["开展消费帮扶{households}"], ["金额{amount}"]]},
    "aid.jobs_fair": {
        "units": {"items": "条"},
        "extra": {"jobs": "人", "leaflets": "份"},
        "say": [
            ["举办招聘会和就业援助活动{sessions}"],
            ["发布招聘信息{items}"],
            ["发放资料{leaflets}"],
            ["帮助{jobs}实现就业"],
        ],
    },
    "mutual.enrolment": {
        "units": {"items": "个"},
        "say": [
            ["设立互助保障项目{items}"],
            ["参保单位{households}"],
            ["组织职工参加互助保障{people}"],
        ],
    },
    "mutual.payout": {
        "units": {"people": "名"},
        "say": [
            [
                "为{people}职工发放互助金{amount}",
                "为{person_times}职工发放互助金{amount}",
                "办理互助保障理赔{person_times}",
            ]
        ],
    },
    "honours.lecture": {"say": [["开展劳模工匠宣讲{sessions}"], ["受众{person_times}"]]},
    "honours.recuperation": {
        "units": {"people": "名"},
        "entries": "批",
        "say": [["组织{entries}{people}劳模和一线职工疗休养", "组织劳模疗休养{people}"]],
    },
    "honours.visit": {
        "units": {"people": "名"},
        "say": [["为{people}劳模发放慰问金{amount}", "慰问劳模{people}"]],
    },
    "skills.competition": {
        "units": {"people": "名"},
        "extra": {"awards": "件"},
        "say": [["举办劳动和技能竞赛{sessions}"], ["组织{people}职工参赛"], ["获奖{awards}"]],
    },
    "skills.training": {
        "units": {"sessions": "期"},
        "extra": {"certificates": "人", "jobs": "人"},
        "say": [
            ["举办职工技能培训{sessions}"],
            ["培训职工{people}"],
            ["{certificates}取得职业技能等级证书"],
            ["帮助{jobs}实现就业"],
        ],
    },
    "skills.innovation": {
        "units": {"items": "项"},
        "extra": {"benefit": "元"},
        "say": [["形成职工创新成果{items}"], ["创造经济效益{benefit}"]],
    },
    "rights.contract": {
        "units": {"items": "份"},
        "unit_choices": {"households": ["家"]},
        "say": [
            [
                "签订集体合同{items}，覆盖企业{households}",
                "签订集体合同{items}",
                "推动{households}单位签订集体合同",
            ],
            ["覆盖职工{people}"],
        ],
    },
    "rights.congress": {
        "units": {"households": "家"},
        "say": [["指导{households}单位召开职工代表大会"]],
    },
    "rights.legal_aid": {"say": [["提供法律援助{items}"], ["受益职工{people}"]]},
    "rights.law_education": {"say": [["开展普法宣传{sessions}"], ["受益职工{people}"]]},
    "rights.mediation": {
        "say": [["调解劳动争议{items}"], ["为职工挽回经济损失{amount}"]],
    },
    "services.childcare": {
        "units": {"sessions": "期"},
        "say": [
            [
                "举办爱心托管班{sessions}，托管职工子女{people}",
                "举办爱心托管班，服务职工子女{people}",
                "举办爱心托管班{sessions}",
            ]
        ],
    },
    "services.counselling": {"say": [["提供心理咨询服务{person_times}"]]},
    "services.youth": {"say": [["举办青年职工联谊活动{sessions}"], ["参与职工{people}"]]},
    "services.offers": {
        "units": {"items": "个"},
        "say": [
            [
                "实施普惠服务项目{items}，服务职工{person_times}",
                "提供普惠服务{person_times}",
                "实施普惠服务项目{items}",
            ]
        ],
    },
    "culture.sports": {"say": [["举办文体活动{sessions}"], ["参与职工{person_times}"]]},
    "culture.reading": {
        "units": {"items": "册"},
        "extra": {"cards": "张"},
        "say": [["开展职工读书活动{sessions}"], ["配送图书{items}"], ["发放电子书屋阅读卡{cards}"]],
    },
    "culture.volunteer": {
        "extra": {"leaflets": "份"},
        "say": [["开展志愿服务{person_times}"], ["发放宣传资料{leaflets}"]],
    },
    "culture.publicity": {"units": {"items": "篇"}, "say": [["刊发宣传报道{items}"]]},
    "statistics.research": {"units": {"items": "篇"}, "say": [["完成调查研究{items}"]]},
}

# Kinds of entry that share a category but are told apart in reports.
SUBTYPES = {
    "rights.contract": [
        {"code": "women", "name": "女职工专项集体合同"},
        {"code": "wage", "name": "工资专项集体合同"},
        {"code": "safety", "name": "劳动安全卫生专项集体合同"},
    ],
    "skills.training": [
        {"code": "industrial", "name": "产业工人"},
        {"code": "migrant", "name": "农民工"},
        {"code": "relocated", "name": "搬迁群众"},
        {"code": "new_employment", "name": "新就业形态劳动者"},
        {"code": "cadres", "name": "工会干部"},
        {"code": "women", "name": "女职工"},
    ],
    "mutual.enrolment": [
        {"code": "critical_illness", "name": "重大疾病"},
        {"code": "inpatient", "name": "住院医疗"},
    ],
}
