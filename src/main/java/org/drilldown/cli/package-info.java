/** The command line on top of the stages: {@code drilldown run} and {@code drilldown query}. Nothing imports it. */
package org.drilldown.cli;
