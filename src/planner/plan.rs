//! Plans as experts see them: steps naming experts, with the earlier steps whose output they need
//! (a DAG), where the plan came from, and the checks a client's plan must pass. The planner
//! compiles a plan into the work its steps are run as (`super::Step`).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result, echo};
use crate::proto;
use crate::request::GenOptions;

/// One expert step of a plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanStep {
    pub id: String,
    pub expert: String,
    /// Ids of the steps whose output this one is given.
    pub after: Vec<String>,
    /// A failure leaves a warning and dependants run without it (else it fails the request).
    pub optional: bool,
    /// Over the request's options, where set.
    pub options: Option<GenOptions>,
    /// This step's instruction instead of the request's text.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanSource {
    /// The request's own plan.
    Client,
    /// Several intents found in one request.
    Dispatcher,
    /// One route, with the steps its manifest needs first.
    #[default]
    Route,
}

impl PlanSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanSource::Client => "client",
            PlanSource::Dispatcher => "dispatcher",
            PlanSource::Route => "route",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub steps: Vec<PlanStep>,
    pub source: PlanSource,
    /// The dispatcher's confidence in a composed plan; 1 otherwise.
    pub confidence: f32,
}

impl Plan {
    /// One expert, answering alone.
    pub fn single(expert: &str) -> Plan {
        Plan {
            steps: vec![PlanStep {
                id: expert.to_string(),
                expert: expert.to_string(),
                ..Default::default()
            }],
            source: PlanSource::Route,
            confidence: 1.0,
        }
    }

    /// A chain or DAG over experts by index: `(expert, parents)`. Ids are the expert ids, with
    /// `_2`, `_3`, ... for an expert named again.
    pub fn of(experts: &[(&str, &[usize])], source: PlanSource, confidence: f32) -> Plan {
        let mut ids: Vec<String> = Vec::with_capacity(experts.len());
        for (expert, _) in experts {
            let id = unique_id(expert, |id| ids.iter().any(|x| x == id));
            ids.push(id);
        }
        let steps = experts
            .iter()
            .zip(&ids)
            .map(|((expert, after), id)| PlanStep {
                id: id.clone(),
                expert: expert.to_string(),
                after: after.iter().filter_map(|i| ids.get(*i).cloned()).collect(),
                ..Default::default()
            })
            .collect();
        Plan {
            steps,
            source,
            confidence,
        }
    }

    /// The experts in order, each with the indices of its parents (what the evaluation compares).
    pub fn shape(&self) -> Vec<(String, Vec<usize>)> {
        self.steps
            .iter()
            .map(|s| {
                let mut after: Vec<usize> = s
                    .after
                    .iter()
                    .filter_map(|a| self.steps.iter().position(|x| &x.id == a))
                    .collect();
                after.sort_unstable();
                (s.expert.clone(), after)
            })
            .collect()
    }

    /// The step that answers: the last one no other step names.
    pub fn answering_expert(&self) -> Option<&str> {
        self.steps
            .iter()
            .rev()
            .find(|s| !self.steps.iter().any(|x| x.after.contains(&s.id)))
            .map(|s| s.expert.as_str())
    }

    pub fn to_proto(&self) -> proto::Plan {
        proto::Plan {
            steps: self
                .steps
                .iter()
                .map(|s| proto::PlanStep {
                    id: s.id.clone(),
                    expert: s.expert.clone(),
                    after: s.after.clone(),
                    optional: s.optional,
                    options: s.options.as_ref().map(|o| proto::GenerationOptions {
                        max_new_tokens: o.max_new_tokens,
                        temperature: o.temperature,
                        top_p: o.top_p,
                        top_k: o.top_k,
                        seed: o.seed,
                        stop: o.stop.clone(),
                    }),
                    text: s.text.clone().unwrap_or_default(),
                })
                .collect(),
            source: self.source.as_str().into(),
            confidence: self.confidence,
        }
    }
}

/// `base`, or `base_2`, `base_3`, ... : the first that `taken` says is free.
pub(crate) fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut id = base.to_string();
    let mut k = 2;
    while taken(&id) {
        id = format!("{base}_{k}");
        k += 1;
    }
    id
}

/// What a plan may be.
#[derive(Debug, Clone, Copy)]
pub struct PlanLimits {
    pub max_steps: usize,
    pub max_fan_out: usize,
}

/// Checks a plan against the experts this server has and the limits: unique ids, known
/// experts, parents that exist, no cycle, fan-out. Errors name the step (`plan.steps[i]...`).
/// Returns the steps' indices in an order where parents come first.
pub fn validate(plan: &Plan, experts: &[&str], limits: PlanLimits) -> Result<Vec<usize>> {
    let n = plan.steps.len();
    if n == 0 {
        return Err(Error::invalid(
            "plan.steps",
            "empty: give at least one step",
        ));
    }
    if n > limits.max_steps {
        return Err(Error::invalid(
            "plan.steps",
            format!(
                "{n} steps; the limit is {} (plans.max_steps)",
                limits.max_steps
            ),
        ));
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in plan.steps.iter().enumerate() {
        if index.insert(s.id.as_str(), i).is_some() {
            return Err(Error::invalid(
                format!("plan.steps[{i}].id"),
                format!("{} is the id of an earlier step too", echo(&s.id)),
            ));
        }
        if !experts.contains(&s.expert.as_str()) {
            return Err(Error::invalid(
                format!("plan.steps[{i}].expert"),
                format!(
                    "unknown expert {}; this server has: {}",
                    echo(&s.expert),
                    experts.join(", ")
                ),
            ));
        }
    }
    let mut fan_out = vec![0usize; n];
    let mut parents: Vec<Vec<usize>> = Vec::with_capacity(n);
    for (i, s) in plan.steps.iter().enumerate() {
        let mut seen = BTreeSet::new();
        let mut mine = Vec::new();
        for a in &s.after {
            let Some(&p) = index.get(a.as_str()) else {
                return Err(Error::invalid(
                    format!("plan.steps[{i}].after"),
                    format!("no step has the id {}", echo(a)),
                ));
            };
            if p == i {
                return Err(Error::invalid(
                    format!("plan.steps[{i}].after"),
                    "a step cannot come after itself",
                ));
            }
            if seen.insert(p) {
                fan_out[p] += 1;
                mine.push(p);
            }
        }
        parents.push(mine);
    }
    if let Some(p) = fan_out.iter().position(|f| *f > limits.max_fan_out) {
        return Err(Error::invalid(
            format!("plan.steps[{p}]"),
            format!(
                "{} steps come after {}; the limit is {} (plans.max_fan_out)",
                fan_out[p],
                echo(&plan.steps[p].id),
                limits.max_fan_out
            ),
        ));
    }
    // Kahn's order; what is left over sits on a cycle.
    let mut indegree: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut order = Vec::with_capacity(n);
    let mut ready: Vec<usize> = (0..n).filter(|i| indegree[*i] == 0).rev().collect();
    while let Some(i) = ready.pop() {
        order.push(i);
        for (j, ps) in parents.iter().enumerate() {
            if ps.contains(&i) {
                indegree[j] -= 1;
                if indegree[j] == 0 {
                    ready.push(j);
                    ready.sort_unstable_by(|a, b| b.cmp(a));
                }
            }
        }
    }
    if order.len() < n {
        let i = (0..n).find(|i| !order.contains(i)).unwrap_or(0);
        return Err(Error::invalid(
            format!("plan.steps[{i}].after"),
            format!(
                "step {} is on a cycle: a plan's steps must not wait on each other",
                echo(&plan.steps[i].id)
            ),
        ));
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPERTS: &[&str] = &["ocr", "math", "general", "gui", "frontend"];
    const LIMITS: PlanLimits = PlanLimits {
        max_steps: 4,
        max_fan_out: 2,
    };

    fn step(id: &str, expert: &str, after: &[&str]) -> PlanStep {
        PlanStep {
            id: id.into(),
            expert: expert.into(),
            after: after.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn plan(steps: Vec<PlanStep>) -> Plan {
        Plan {
            steps,
            source: PlanSource::Client,
            confidence: 1.0,
        }
    }

    fn field_of(r: Result<Vec<usize>>) -> String {
        match r {
            Err(Error::InvalidArgument { field, problem }) => format!("{field}: {problem}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_dag_is_ordered_parents_first() {
        let p = plan(vec![
            step("sum", "math", &["read"]),
            step("read", "ocr", &[]),
            step("html", "frontend", &[]),
            step("say", "general", &["sum", "html"]),
        ]);
        assert_eq!(validate(&p, EXPERTS, LIMITS).unwrap(), vec![1, 0, 2, 3]);
    }

    #[test]
    fn bad_plans_name_the_step() {
        let e = field_of(validate(
            &plan(vec![step("a", "ocr", &["b"]), step("b", "math", &["a"])]),
            EXPERTS,
            LIMITS,
        ));
        assert!(
            e.starts_with("plan.steps[0].after: step \"a\" is on a cycle"),
            "{e}"
        );
        let e = field_of(validate(
            &plan(vec![step("a", "ocr", &[]), step("b", "poetry", &["a"])]),
            EXPERTS,
            LIMITS,
        ));
        assert!(
            e.starts_with("plan.steps[1].expert: unknown expert \"poetry\""),
            "{e}"
        );
        let e = field_of(validate(
            &plan(vec![step("a", "ocr", &[]), step("a", "math", &[])]),
            EXPERTS,
            LIMITS,
        ));
        assert!(e.starts_with("plan.steps[1].id:"), "{e}");
        let e = field_of(validate(
            &plan(vec![step("a", "ocr", &["nope"])]),
            EXPERTS,
            LIMITS,
        ));
        assert_eq!(e, "plan.steps[0].after: no step has the id \"nope\"");
        let e = field_of(validate(
            &plan(vec![step("a", "ocr", &["a"])]),
            EXPERTS,
            LIMITS,
        ));
        assert_eq!(e, "plan.steps[0].after: a step cannot come after itself");
        let five = (0..5).map(|i| step(&i.to_string(), "ocr", &[])).collect();
        let e = field_of(validate(&plan(five), EXPERTS, LIMITS));
        assert_eq!(e, "plan.steps: 5 steps; the limit is 4 (plans.max_steps)");
        let fan = plan(vec![
            step("r", "ocr", &[]),
            step("a", "math", &["r"]),
            step("b", "general", &["r"]),
            step("c", "gui", &["r"]),
        ]);
        let e = field_of(validate(&fan, EXPERTS, LIMITS));
        assert!(
            e.starts_with("plan.steps[0]: 3 steps come after \"r\""),
            "{e}"
        );
        assert!(
            field_of(validate(&plan(vec![]), EXPERTS, LIMITS)).starts_with("plan.steps: empty")
        );
    }

    #[test]
    fn composed_plans_get_unique_ids_and_a_shape() {
        let p = Plan::of(
            &[("general", &[]), ("math", &[0]), ("general", &[1])],
            PlanSource::Dispatcher,
            0.7,
        );
        let ids: Vec<_> = p.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["general", "math", "general_2"]);
        assert_eq!(
            p.shape(),
            vec![
                ("general".to_string(), vec![]),
                ("math".to_string(), vec![0]),
                ("general".to_string(), vec![1])
            ]
        );
        assert_eq!(p.answering_expert(), Some("general"));
        validate(&p, EXPERTS, LIMITS).unwrap();
    }
}
