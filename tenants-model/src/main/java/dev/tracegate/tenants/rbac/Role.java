package dev.tracegate.tenants.rbac;

import java.util.List;

/** Grants {@code permissions} on {@code resources} (we serve {@code traces}) of the listed {@code tenants}. */
public record Role(String name, List<String> resources, List<String> tenants, List<String> permissions) {
}
