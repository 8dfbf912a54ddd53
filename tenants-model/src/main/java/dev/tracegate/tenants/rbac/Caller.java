package dev.tracegate.tenants.rbac;

import java.util.Set;

/** The authenticated caller as authorization sees it: the subject named by {@code usernameClaim} and its groups. */
public record Caller(String subject, Set<String> groups) {
}
