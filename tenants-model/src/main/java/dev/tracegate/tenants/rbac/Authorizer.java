package dev.tracegate.tenants.rbac;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides read/write on a tenant's traces from the TempoStack {@code authorization} block, the way the
 * observatorium gateway does: a caller may act when a role binding naming the caller (user) or one of its
 * groups gives a role that lists the tenant, the {@code traces} resource and the permission.
 */
public final class Authorizer {

    public static final String TRACES = "traces";

    private final Map<String, Role> rolesByName;
    private final List<RoleBinding> bindings;

    public Authorizer(Collection<Role> roles, Collection<RoleBinding> bindings) {
        this.rolesByName = roles.stream().collect(Collectors.toUnmodifiableMap(Role::name, Function.identity()));
        this.bindings = List.copyOf(bindings);
    }

    public boolean isAllowed(Caller caller, String tenantName, Permission permission) {
        for (RoleBinding binding : bindings) {
            if (!appliesTo(binding, caller)) {
                continue;
            }
            for (String roleName : binding.roles()) {
                Role role = rolesByName.get(roleName);
                if (role != null && grants(role, tenantName, permission)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The permissions the caller holds on the tenant, for logs and error messages. */
    public List<String> permissionsOf(Caller caller, String tenantName) {
        List<String> held = new ArrayList<>();
        for (Permission p : Permission.values()) {
            if (isAllowed(caller, tenantName, p)) {
                held.add(p.wireName());
            }
        }
        return held;
    }

    private static boolean appliesTo(RoleBinding binding, Caller caller) {
        Set<String> groups = caller.groups();
        for (Subject s : binding.subjects()) {
            if (Subject.USER.equals(s.kind()) && s.name().equals(caller.subject())) {
                return true;
            }
            if (Subject.GROUP.equals(s.kind()) && groups.contains(s.name())) {
                return true;
            }
        }
        return false;
    }

    private static boolean grants(Role role, String tenantName, Permission permission) {
        return role.tenants().contains(tenantName)
                && role.resources().contains(TRACES)
                && role.permissions().contains(permission.wireName());
    }
}
