from antq.org.models import OrgNode


def test_subtree_of_province_holds_its_communes_and_units_only(tree):
    names = set(OrgNode.objects.in_subtree(tree.province).values_list("code", flat=True))
    assert names == {"T52", "X21583", "X21600", "X21583-KDC01", "X21583-CSGD01", "X21600-KDC01"}
