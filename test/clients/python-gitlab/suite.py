"""Roster driven by python-gitlab (Debian's python3-gitlab, 3.12), as a GitLab admin script would.

Run by python-gitlab.e2e-spec.ts against a real Roster: ROSTER_URL, ROSTER_TOKEN (an admin PAT),
GROUP_ID (a group with SAML SSO configured and a provisioned person whose extern_uid is
PROVISIONED_UID). Every call checks what it got back; the first failure exits non-zero.
"""

import os
import sys

import gitlab

url = os.environ["ROSTER_URL"]
gl = gitlab.Gitlab(url, private_token=os.environ["ROSTER_TOKEN"])
group_id = int(os.environ["GROUP_ID"])
provisioned_uid = os.environ["PROVISIONED_UID"]
checks = 0


def check(condition, what):
    global checks
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    checks += 1


# Authentication and the server's version.
gl.auth()
check(gl.user.username == "root" and gl.user.is_admin, "auth() reads the admin")
version, revision = gl.version()
check(version not in ("unknown", None) and revision == "roster", f"version() {version} {revision}")

# Groups: create, get, list with search, save, delete.
created = gl.groups.create({"name": "Python Group", "path": "python-group"})
check(created.path == "python-group" and created.web_url.startswith(url), "groups.create")
got = gl.groups.get(created.id)
check(got.name == "Python Group", "groups.get")
got.name = "Python Group Renamed"
got.save()
check(gl.groups.get(created.id).name == "Python Group Renamed", "group.save")
found = gl.groups.list(search="python-gr", get_all=True)
check([g.id for g in found] == [created.id], "groups.list(search=)")
check(gl.groups.list(search="no-such-group-anywhere", get_all=True) == [], "groups.list(search=) narrows")
group = gl.groups.get(group_id)

# Users: create, list with every filter, save with provider + extern_uid, identity delete, block.
users = []
for n in range(5):
    users.append(gl.users.create({"username": f"pyuser{n}", "name": f"Py User {n}", "email": f"pyuser{n}@people.test"}))
check(users[0].username == "pyuser0" and users[0].state == "active", "users.create")
check([u.id for u in gl.users.list(username="PYUSER1")] == [users[1].id], "users.list(username=)")
check([u.id for u in gl.users.list(search="Py User 2")] == [users[2].id], "users.list(search=)")
holder = gl.users.list(extern_uid=provisioned_uid, provider="group_saml")
check(len(holder) == 1, "users.list(extern_uid=, provider=) finds one")
check(gl.users.list(extern_uid=provisioned_uid, provider="ldapmain") == [], "unknown provider finds nobody")
check(gl.users.list(extern_uid="nobody-has-this", provider="group_saml") == [], "unknown extern_uid finds nobody")

person = gl.users.get(users[3].id)
person.provider = "group_saml"
person.extern_uid = "python-set-uid"
person.group_id_for_saml = group_id
person.save()
identities = gl.users.get(person.id).identities
check([(i["provider"], i["extern_uid"]) for i in identities] == [("group_saml", "python-set-uid")], f"user.save with provider + extern_uid: {identities}")
check([u.id for u in gl.users.list(extern_uid="python-set-uid", provider="group_saml")] == [person.id], "the new identity is found")
taken = gl.users.get(users[4].id)
taken.provider = "group_saml"
taken.extern_uid = "python-set-uid"
taken.group_id_for_saml = group_id
try:
    taken.save()
    check(False, "a taken extern_uid is refused")
except gitlab.exceptions.GitlabUpdateError as error:
    check(error.response_code == 400 and "Extern uid has already been taken" in str(error.error_message), f"taken extern_uid: {error}")
person.identityproviders.delete("group_saml")
check(gl.users.get(person.id).identities == [], "identity delete")

person.block()
check(person.state == "blocked" and gl.users.get(person.id).state == "blocked", "user.block")
check(person.id in [u.id for u in gl.users.list(blocked=True, get_all=True)], "users.list(blocked=True)")
check(person.id not in [u.id for u in gl.users.list(active=True, get_all=True)], "users.list(active=True)")
person.unblock()
check(person.state == "active" and gl.users.get(person.id).state == "active", "user.unblock")

# Members: create, list across pages, get, save, delete; members_all.
for n, user in enumerate(users):
    member = group.members.create({"user_id": user.id, "access_level": 30 if n else 40})
    check(member.id == user.id and member.access_level == (30 if n else 40), "members.create")
all_members = group.members.list(per_page=2, get_all=True)
ids = [m.id for m in all_members]
check(len(ids) == len(set(ids)) and all(u.id in ids for u in users), f"members.list follows every page: {ids}")
check(len(ids) == int(gl.http_get(f"/groups/{group_id}/members", query_data={"per_page": 1}, raw=True).headers["X-Total"]), "all pages, every member")
check([m.id for m in group.members.list(query="pyuser2")] == [users[2].id], "members.list(query=)")
check(sorted(m.id for m in group.members.list(user_ids=[users[0].id, users[1].id])) == sorted([users[0].id, users[1].id]), "members.list(user_ids=)")
member = group.members.get(users[1].id)
member.access_level = 20
member.save()
check(group.members.get(users[1].id).access_level == 20, "member.save")
check(group.members_all.get(users[1].id).access_level == 20, "members_all.get")
check(users[1].id in [m.id for m in group.members_all.list(get_all=True)], "members_all.list")
group.members.delete(users[1].id)
check(users[1].id not in [m.id for m in group.members.list(get_all=True)], "members.delete")

# Audit events: the instance's and the group's, list and get.
events = gl.audit_events.list(per_page=5)
check(len(events) == 5 and all(hasattr(e, "author_id") and "author_name" in e.details for e in events), "audit_events.list")
one = gl.audit_events.get(events[0].id)
check(one.event_name == events[0].event_name, "audit_events.get")
group_events = group.audit_events.list(per_page=5)
check(all(e.entity_id == group_id and e.entity_type == "Group" for e in group_events), "group.audit_events.list")
check(group.audit_events.get(group_events[0].id).id == group_events[0].id, "group.audit_events.get")

# Personal access tokens: create one for a person, list, read self, revoke.
token = users[0].personal_access_tokens.create({"name": "python", "scopes": ["api"]})
check(token.token.startswith("roster_pat_"), "personal_access_tokens.create")
as_person = gitlab.Gitlab(url, private_token=token.token)
as_person.auth()
check(as_person.user.id == users[0].id, "the new token authenticates")
check([t.id for t in as_person.personal_access_tokens.list()] == [token.id], "personal_access_tokens.list (own)")
check(as_person.http_get("/personal_access_tokens/self")["id"] == token.id, "personal_access_tokens/self")
check(token.id in [t.id for t in gl.personal_access_tokens.list(user_id=users[0].id)], "admin lists a user's tokens")
reader = users[0].personal_access_tokens.create({"name": "python-reader", "scopes": ["read_api"], "expires_at": "2999-01-01"})
check(reader.scopes == ["read_api"] and reader.expires_at == "2999-01-01" and reader.active, "personal_access_tokens.create with scopes and expires_at")
as_reader = gitlab.Gitlab(url, private_token=reader.token)
check(group_id in [g.id for g in as_reader.groups.list(get_all=True)], "a read_api token reads")
try:
    as_reader.groups.create({"name": "py-readonly", "path": "py-readonly"})
    check(False, "a read_api token cannot write")
except gitlab.exceptions.GitlabCreateError as e:
    check(e.response_code == 403, "a read_api token cannot write")
gl.personal_access_tokens.delete(token.id)
try:
    as_person.auth()
    check(False, "a revoked token is refused")
except gitlab.exceptions.GitlabAuthenticationError:
    check(True, "a revoked token is refused")

# SAML and SCIM identity endpoints, through the raw http_* helpers (python-gitlab has no managers for them).
saml = gl.http_list(f"/groups/{group_id}/saml/identities", get_all=True)
check({"extern_uid": provisioned_uid, "user_id": holder[0].id} in saml, "saml/identities lists the provisioned person")
check(gl.http_get(f"/groups/{group_id}/saml/{provisioned_uid}")["user_id"] == holder[0].id, "saml/:uid")
check(gl.http_put(f"/groups/{group_id}/saml/{provisioned_uid}", post_data={"extern_uid": "python-moved"})["extern_uid"] == "python-moved", "saml/:uid update")
check(gl.http_get(f"/groups/{group_id}/saml/python-moved")["user_id"] == holder[0].id, "saml identity moved")
scim = gl.http_list(f"/groups/{group_id}/scim/identities", get_all=True)
check({"extern_uid": provisioned_uid, "user_id": holder[0].id, "active": True} in scim, "scim/identities lists the provisioned person")
check(gl.http_get(f"/groups/{group_id}/scim/{provisioned_uid.upper()}")["active"] is True, "scim/:uid, any case")
check(gl.http_put(f"/groups/{group_id}/scim/{provisioned_uid}", post_data={"extern_uid": "python-scim-moved"})["extern_uid"] == "python-scim-moved", "scim/:uid update")
gl.http_delete(f"/groups/{group_id}/saml/python-moved")
try:
    gl.http_get(f"/groups/{group_id}/saml/python-moved")
    check(False, "a deleted SAML identity is gone")
except gitlab.exceptions.GitlabHttpError as error:
    check(error.response_code == 404, "a deleted SAML identity is 404")
gl.http_delete(f"/groups/{group_id}/scim/python-scim-moved")
check(all(i["extern_uid"] != "python-scim-moved" for i in gl.http_list(f"/groups/{group_id}/scim/identities", get_all=True)), "scim identity delete")

# The group created above goes.
created.delete()
try:
    gl.groups.get(created.id)
    check(False, "a deleted group is gone")
except gitlab.exceptions.GitlabGetError as error:
    check(error.response_code == 404, "a deleted group is 404")

print(f"python-gitlab {gitlab.__version__}: {checks} checks passed")
