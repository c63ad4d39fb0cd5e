import base64, json
import pytest
from django.urls import reverse
pytestmark = pytest.mark.django_db
def test_x(client, tree, commune_police):
    client.force_login(commune_police)
    tok = base64.urlsafe_b64encode(json.dumps(["2025-01-01", 10**30]).encode()).decode().rstrip("=")
    assert client.get(reverse("incidents:list"), {"after": tok}).status_code == 200
    assert client.get(reverse("incidents:list"), {"before": tok}).status_code == 200
