/** Stage 3, model: each step's DL4J network built from its spec in {@code conf/steps.conf}, and its parameter count. */
package org.drilldown.model;
