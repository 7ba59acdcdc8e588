package com.ekspipeline.config;

import java.util.List;

/**
 * Every problem found in the configuration, collected so a user fixes them all in one round.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> errors;

    public ConfigException(final List<String> errors) {
        super(errors.size() + " configuration error(s): " + String.join(" ", errors));
        this.errors = List.copyOf(errors);
    }

    /** One sentence per problem, each naming the key, the value given and what is allowed. */
    public List<String> errors() {
        return errors;
    }
}
