package io.mesowhisk.mesos.emulator.internal;

/** Mesos role name rules (M:src/common/roles.cpp). */
public final class Roles {

    private Roles() {
    }

    /** Null when {@code role} is valid, else why not. */
    public static String validate(String role) {
        if (role.equals("*")) {
            return null;
        }
        if (role.isEmpty()) {
            return "Empty role name is invalid";
        }
        if (role.startsWith("/")) {
            return "Role '" + role + "' cannot start with a slash";
        }
        if (role.endsWith("/")) {
            return "Role '" + role + "' cannot end with a slash";
        }
        if (role.contains("//")) {
            return "Role '" + role + "' cannot contain two adjacent slashes";
        }
        for (String part : role.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return "Role '" + role + "' cannot be '.' or '..'";
            }
            if (part.equals("*")) {
                return "Role '" + role + "' cannot contain a '*' component";
            }
            if (part.startsWith("-")) {
                return "Role '" + role + "' cannot start with '-'";
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (Character.isWhitespace(c) || c < 0x20 || c == 0x7f) {
                    return "Role '" + role + "' cannot include whitespace or control characters";
                }
            }
        }
        return null;
    }
}
