package dev.tracegate.tenants.rbac;

import java.util.List;

/** Gives the named {@code roles} to every one of {@code subjects}. */
public record RoleBinding(String name, List<String> roles, List<Subject> subjects) {
}
