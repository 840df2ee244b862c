from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from harken.accounts.access import staff
from harken.accounts.models import User
from harken.features.models import Area, Feature, Release, Status, Tag
from harken.lib.errors import NotFound


def access_feature(user: User | AnonymousUser, feature_id: int) -> Feature:
    """Any staff member may read any feature; writes are checked by the actions."""
    staff(user)
    feature = (
        Feature.objects.select_related("area", "status", "release", "parent", "merged_into")
        .filter(pk=feature_id)
        .first()
    )
    if feature is None:
        raise NotFound("feature")
    return feature


def access_area(user: User | AnonymousUser, area_id: int) -> Area:
    staff(user)
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        raise NotFound("area")
    return area


def access_status(user: User | AnonymousUser, status_id: int) -> Status:
    staff(user)
    status = Status.objects.filter(pk=status_id).first()
    if status is None:
        raise NotFound("status")
    return status


def access_release(user: User | AnonymousUser, release_id: int) -> Release:
    staff(user)
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        raise NotFound("release")
    return release


def access_tag(user: User | AnonymousUser, tag_id: int) -> Tag:
    staff(user)
    tag = Tag.objects.filter(pk=tag_id).first()
    if tag is None:
        raise NotFound("tag")
    return tag
