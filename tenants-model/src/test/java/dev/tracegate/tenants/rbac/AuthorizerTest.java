package dev.tracegate.tenants.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The roles / roleBindings model: who may read or write which tenant's traces. */
class AuthorizerTest {

    private final Authorizer authorizer = new Authorizer(
            List.of(new Role("read-a", List.of("traces"), List.of("a"), List.of("read")),
                    new Role("write-ab", List.of("traces"), List.of("a", "b"), List.of("write")),
                    new Role("logs-only", List.of("logs"), List.of("a"), List.of("read", "write"))),
            List.of(new RoleBinding("readers", List.of("read-a"), List.of(new Subject("group", "readers"))),
                    new RoleBinding("writer", List.of("write-ab"), List.of(new Subject("user", "wes@example.com"))),
                    new RoleBinding("loggers", List.of("logs-only"), List.of(new Subject("group", "loggers")))));

    @Test
    void groupMembersGetTheirRole() {
        Caller reader = new Caller("rita@example.com", Set.of("readers"));
        assertTrue(authorizer.isAllowed(reader, "a", Permission.READ));
        assertFalse(authorizer.isAllowed(reader, "a", Permission.WRITE));
        assertFalse(authorizer.isAllowed(reader, "b", Permission.READ), "role lists tenant a only");
    }

    @Test
    void usersAreMatchedBySubject() {
        Caller writer = new Caller("wes@example.com", Set.of());
        assertTrue(authorizer.isAllowed(writer, "b", Permission.WRITE));
        assertEquals(List.of("write"), authorizer.permissionsOf(writer, "a"));
        assertFalse(authorizer.isAllowed(new Caller("someone@example.com", Set.of("wes@example.com")), "b",
                Permission.WRITE), "a group named like a user is not that user");
    }

    @Test
    void rolesForOtherResourcesGiveNothingOnTraces() {
        assertFalse(authorizer.isAllowed(new Caller("l", Set.of("loggers")), "a", Permission.READ));
    }

    @Test
    void strangersGetNothing() {
        assertEquals(List.of(), authorizer.permissionsOf(new Caller("x", Set.of("others")), "a"));
    }
}
