/** Small hand-written sources, one per language, each with one long and one short function. */
import type { LanguageId } from "./languages.js";

const long = (prefix: string, n = 8, end = "") => Array.from({ length: n }, (_, i) => `${prefix}${i}${end}`).join("\n");

export interface Fixture {
  language: LanguageId;
  source: string;
  /** Name of the function with a long body. */
  longFn: string;
  /** A line of the long body (must disappear when elided). */
  bodyLine: string;
  /** Signature line that must stay verbatim. */
  signature: string;
  /** Name of the function with a short body (kept). */
  shortFn: string;
}

export const FIXTURES: Fixture[] = [
  {
    language: "python",
    source: `"""Module doc."""
import os
from typing import Any

LIMIT = 10


class Store(Base):
    """A store.

    It stores things.
    """

    size: int = 0

    @property
    def compute_total(self, items: list[Any], *, scale: float = 1.0) -> float:
        """Sum the items, scaled.

        More words here.
        """
${long("        x = x + ", 8)}
        return x

    def short(self):
        return 1
`,
    longFn: "compute_total",
    bodyLine: "x = x + 3",
    signature: "    def compute_total(self, items: list[Any], *, scale: float = 1.0) -> float:",
    shortFn: "short",
  },
  {
    language: "javascript",
    source: `'use strict';
const path = require('path');

/**
 * Compute the total.
 * Second line.
 * Third line.
 * Fourth line.
 */
function computeTotal(items, scale) {
${long("  total += ", 8)}
  return total;
}

res.short = function short(a) {
  return a;
};

module.exports = { computeTotal };
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "function computeTotal(items, scale) {",
    shortFn: "short",
  },
  {
    language: "typescript",
    source: `import type { A } from "./a.js";

export interface Options {
  scale: number;
}

export type Total = number;

export class Summer<T> {
  private readonly count = 0;

  @decorate()
  computeTotal(items: T[], options: Options): Total {
${long("    total += ", 8, ";")}
    return total;
  }

  short(): number {
    return 1;
  }
}
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "  computeTotal(items: T[], options: Options): Total {",
    shortFn: "short",
  },
  {
    language: "go",
    source: `package total

import "fmt"

const Limit = 10

// Summer sums.
type Summer struct {
	Count int
}

// ComputeTotal sums the items.
func (s *Summer) ComputeTotal(items []int, scale float64) float64 {
${long("\ttotal += ", 8)}
	return total
}

func short() int {
	return 1
}
`,
    longFn: "ComputeTotal",
    bodyLine: "total += 3",
    signature: "func (s *Summer) ComputeTotal(items []int, scale float64) float64 {",
    shortFn: "short",
  },
  {
    language: "rust",
    source: `use std::fmt;

pub const LIMIT: usize = 10;

/// A summer.
pub struct Summer {
    count: usize,
}

pub trait Sum {
    fn sum(&self) -> u32;
}

impl Summer {
    /// Computes the total.
    #[inline]
    pub fn compute_total(&self, items: &[u32], scale: f64) -> f64 {
${long("        total += ", 8, ";")}
        total
    }

    fn short(&self) -> u32 {
        1
    }
}
`,
    longFn: "compute_total",
    bodyLine: "total += 3",
    signature: "    pub fn compute_total(&self, items: &[u32], scale: f64) -> f64 {",
    shortFn: "short",
  },
  {
    language: "java",
    source: `package org.example;

import java.util.List;

public class Summer {
    public static final int LIMIT = 10;
    private int count;

    /**
     * Computes the total.
     * @param items the items
     * @param scale the scale
     * @return the total
     */
    @Override
    public double computeTotal(final List<Integer> items, final double scale) {
${long("        total += ", 8, ";")}
        return total;
    }

    int shortOne() {
        return 1;
    }
}
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "    public double computeTotal(final List<Integer> items, final double scale) {",
    shortFn: "shortOne",
  },
  {
    language: "c",
    source: `#include <stdio.h>
#include "total.h"

#define LIMIT 10

typedef struct summer {
    int count;
} summer;

/* Computes the total. */
double computeTotal(const int *items, size_t n, double scale) {
${long("    total += ", 8, ";")}
    return total;
}

static int shortOne(void) {
    return 1;
}
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "double computeTotal(const int *items, size_t n, double scale) {",
    shortFn: "shortOne",
  },
  {
    language: "cpp",
    source: `#include <vector>

namespace total {

template <typename T>
class Summer : public Base {
  public:
    int count = 0;

    double computeTotal(const std::vector<T>& items, double scale) const
    {
${long("        total += ", 8, ";")}
        return total;
    }

    int shortOne() { return 1; }
};

}  // namespace total
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "    double computeTotal(const std::vector<T>& items, double scale) const",
    shortFn: "shortOne",
  },
  {
    language: "csharp",
    source: `using System.Collections.Generic;

namespace Example
{
    /// <summary>Sums things.</summary>
    public class Summer
    {
        private int count;

        public double ComputeTotal(IList<int> items, double scale)
        {
${long("            total += ", 8, ";")}
            return total;
        }

        int ShortOne() { return 1; }
    }
}
`,
    longFn: "ComputeTotal",
    bodyLine: "total += 3",
    signature: "        public double ComputeTotal(IList<int> items, double scale)",
    shortFn: "ShortOne",
  },
  {
    language: "php",
    source: `<?php
namespace App;

use App\\Base;

/** Sums things. */
class Summer extends Base
{
    private int $count = 0;

    public function computeTotal(array $items, float $scale): float
    {
${long("        $total += ", 8, ";")}
        return $total;
    }

    function shortOne() { return 1; }
}
`,
    longFn: "computeTotal",
    bodyLine: "$total += 3",
    signature: "    public function computeTotal(array $items, float $scale): float",
    shortFn: "shortOne",
  },
  {
    language: "scala",
    source: `package example

import scala.collection.mutable

/** Sums things. */
class Summer(val count: Int) extends Base {
  def computeTotal(items: Seq[Int], scale: Double): Double = {
${long("    total += ", 8)}
    total
  }

  def shortOne(): Int = { 1 }
}
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "  def computeTotal(items: Seq[Int], scale: Double): Double = {",
    shortFn: "shortOne",
  },
  {
    language: "bash",
    source: `#!/usr/bin/env bash
set -euo pipefail

LIMIT=10

# Sums the arguments.
compute_total() {
${long("  total=$((total + ", 8, "))")}
  echo "$total"
}

short_one() { echo 1; }

compute_total "$@"
`,
    longFn: "compute_total",
    bodyLine: "total=$((total + 3))",
    signature: "compute_total() {",
    shortFn: "short_one",
  },
  {
    language: "ruby",
    source: `require "set"

# Sums things.
module Totals
  class Summer < Base
    LIMIT = 10

    def compute_total(items, scale: 1.0)
${long("      total += ", 8)}
      total
    end

    def short_one = 1
  end
end
`,
    longFn: "compute_total",
    bodyLine: "total += 3",
    signature: "    def compute_total(items, scale: 1.0)",
    shortFn: "short_one",
  },
  {
    language: "kotlin",
    source: `package example.totals

import kotlin.math.max

/** Sums things. */
class Summer(val count: Int) : Base() {
    fun computeTotal(items: List<Int>, scale: Double): Double {
        var total = 0.0
${long("        total += ", 8)}
        return total * scale
    }

    fun shortOne(): Int { return 1 }

    fun twice(x: Int) = x * 2
}

object Registry {
    val names = mutableListOf<String>()
}
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "    fun computeTotal(items: List<Int>, scale: Double): Double {",
    shortFn: "shortOne",
  },
  {
    language: "swift",
    source: `import Foundation

/// Sums things.
class Summer: Base {
    let count: Int

    init(count: Int) {
        self.count = count
    }

    func computeTotal(_ items: [Int], scale: Double) -> Double {
        var total = 0.0
${long("        total += ", 8)}
        return total * scale
    }

    func shortOne() -> Int { return 1 }
}

protocol Totaling {
    func computeTotal(_ items: [Int], scale: Double) -> Double
}
`,
    longFn: "computeTotal",
    bodyLine: "total += 3",
    signature: "    func computeTotal(_ items: [Int], scale: Double) -> Double {",
    shortFn: "shortOne",
  },
];
