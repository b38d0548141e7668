/** Stage 0, configuration: the HOCON files under {@code conf/} loaded once into validated, immutable records. */
package org.drilldown.config;
