package dev.tracegate.provisioner.api;

import java.util.Locale;

/** Picks JSON or YAML from an Accept header: the acceptable one with the higher q; JSON when in doubt. */
enum ConfigMediaType {
    JSON("application/json"),
    YAML("application/yaml");

    final String contentType;

    ConfigMediaType(String contentType) {
        this.contentType = contentType;
    }

    static ConfigMediaType fromAccept(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        double json = -1;
        double yaml = -1;
        for (String part : accept.split(",")) {
            String[] params = part.trim().split(";");
            String type = params[0].trim().toLowerCase(Locale.ROOT);
            double q = quality(params);
            if (type.equals("application/json") || type.equals("*/*") || type.equals("application/*")) {
                json = Math.max(json, q);
            }
            if (type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml")) {
                yaml = Math.max(yaml, q);
            }
        }
        return yaml > json ? YAML : JSON;
    }

    private static double quality(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
