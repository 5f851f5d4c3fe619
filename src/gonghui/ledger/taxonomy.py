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
