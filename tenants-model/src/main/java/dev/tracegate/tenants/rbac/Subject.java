package dev.tracegate.tenants.rbac;

/** Who a role binding applies to: {@code kind} is {@code user} (matched against the subject) or {@code group}. */
public record Subject(String kind, String name) {

    public static final String USER = "user";
    public static final String GROUP = "group";
}
