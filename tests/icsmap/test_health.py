from django.test import Client


def test_healthz_answers_without_the_database():
    # No django_db mark: any query would raise, proving the floor endpoint never touches the database.
    response = Client().get("/healthz")

    assert response.status_code == 200 and response.content == b"ok\n"
