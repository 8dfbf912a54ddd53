package dev.tracegate.tenants;

import java.util.List;

/** A tenants document that was refused; each problem names the field, e.g. {@code tenants.authentication[1].oidc.issuerURL}. */
public class InvalidTenantsException extends Exception {

    private final List<String> problems;

    public InvalidTenantsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidTenantsException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
