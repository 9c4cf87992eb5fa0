import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/buergerbuero/termin/BB-%00AAAA/" + "A" * 32 + "/", "/parkausweis/%00/", "/trauung/%00/"],
)
def test_a_path_with_a_nul_character_is_not_found(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
