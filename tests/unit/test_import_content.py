"""Columns read by header and content (issue 18 item 1)."""
from domain.import_content import by_content
from domain.import_mapping import CONTACT_NAME, OWNER, auto_mapping

REPS = {"张伟", "王芳"}


def mapped(rows):
    return by_content(rows, 0, auto_mapping(rows[0]), REPS)


def test_a_column_of_customer_types_headed_like_another_field_is_read_as_customer_type():
    rows = [["客户名称", "终端类型", "省份"], *[[f"店{i}", t, "江苏"] for i, t in
                                            enumerate(["餐饮终端", "商超终端", "其他终端", "餐饮终端"])]]
    assert auto_mapping(rows[0])[1] == "terminal_subtype"  # what the header alone says
    mapping, notes = mapped(rows)
    assert mapping[1] == "customer_type" and notes == {1: "根据内容识别为 客户类型"}


def test_a_column_that_fits_its_header_stays():
    rows = [["客户名称", "终端细分"], ["店1", "酒店"], ["店2", "中型超市"], ["店3", "其他终端"]]
    mapping, notes = mapped(rows)
    assert mapping[1] == "terminal_subtype" and notes == {}


def test_a_responsible_person_column_is_our_rep_when_it_holds_our_reps_names():
    ours = [["客户名称", "负责人"], ["店1", "张伟"], ["店2", "王芳"], ["店3", "张伟"]]
    theirs = [["客户名称", "负责人"], ["店1", "李老板"], ["店2", "赵店长"], ["店3", "张伟"]]
    assert mapped(ours)[0][1] == OWNER and mapped(ours)[1] == {1: "根据内容识别为 负责业务员"}
    assert mapped(theirs)[0][1] == CONTACT_NAME and mapped(theirs)[1] == {}


def test_columns_no_header_names_are_read_by_their_values_when_clear():
    rows = [["客户名称", "渠道分类", "对接人", None, "联系方式", "档次?", "微信"],
            ["店1", "餐饮终端", "张伟", "13800138000", "025-84561234", "中", "wx1"],
            ["店2", "商超终端", "王芳", "13900139000", "0512-65231234", "中", "wx2"],
            ["店3", "餐饮终端", "张伟", "13700137000", "13812345678", "中", "wx3"]]
    mapping, notes = mapped(rows)
    assert mapping == {0: "name", 1: "customer_type", 2: OWNER, 3: "phone"}
    assert notes == {1: "根据内容识别为 客户类型", 2: "根据内容识别为 负责业务员", 3: "根据内容识别为 电话"}
    # 联系方式 holds phones too, but 电话 is taken; 中 fits 销售档次 and 团体消费 alike; 微信 fits nothing


def test_too_few_values_to_judge_leave_the_column_alone():
    rows = [["客户名称", "渠道分类"], ["店1", "餐饮终端"], ["店2", "商超终端"]]
    assert mapped(rows) == ({0: "name"}, {})
