// Sign in or create an account; the token goes to localStorage and the app follows it.
import { useState } from "preact/hooks";
import { LoginMutation, RegisterMutation } from "../../../typescript/src/operations/learner/accounts.js";
import { request } from "../api";
import { byField, type FieldErrors, FieldError, Failure } from "../components/Problems";
import { navigate } from "../router";
import { setToken } from "../session";

export function SignIn() {
  const [creating, setCreating] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setFailure(null);
    try {
      const payload = creating
        ? (
            await request(RegisterMutation, {
              input: {
                email,
                password,
                displayName: String(form.get("displayName") ?? ""),
                timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
              },
            })
          ).register
        : (await request(LoginMutation, { email, password })).login;
      setErrors(byField(payload.errors));
      if (payload.token) {
        setToken(payload.token);
        navigate("/", true);
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="narrow">
      <h1>{creating ? "Create your account" : "Sign in"}</h1>
      <form onSubmit={submit} noValidate>
        {creating && (
          <label>
            Name
            <input name="displayName" autoComplete="name" required aria-describedby="displayName-error" />
            <FieldError errors={errors} name="displayName" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required aria-describedby="email-error" />
          <FieldError errors={errors} name="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={creating ? "new-password" : "current-password"}
            required
            aria-describedby="password-error"
          />
          <FieldError errors={errors} name="password" />
        </label>
        <FieldError errors={errors} name="" />
        <Failure error={failure} />
        <button type="submit" disabled={busy}>
          {creating ? "Create account" : "Sign in"}
        </button>
      </form>
      <p>
        <button
          type="button"
          class="link"
          onClick={() => {
            setCreating(!creating);
            setErrors({});
          }}
        >
          {creating ? "I have an account: sign in" : "New here? Create an account"}
        </button>
      </p>
    </main>
  );
}
